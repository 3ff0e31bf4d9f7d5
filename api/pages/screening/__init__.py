"""Risk screening pages (社会风险评估研判 / 矛盾纠纷排查): the console of flagged cases and spikes,
the keyword lists, and the register of disputes found off-line."""
