"""Chinese for the masking rule of recordings and attachments (issue 16's access sweep)."""
ZH = {
    "the citizen's personal data of case %(id)s is masked for you": "工单 %(id)s 的市民个人信息对您屏蔽",
    "the citizen's files of a confidential case are masked for you": "保密工单中市民提供的文件对您屏蔽",
    "1 to 64 visible ASCII characters": "1 至 64 个可见 ASCII 字符",     # Idempotency-Key (engine.cases.intake_keys)
}
