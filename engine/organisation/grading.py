"""The department evaluation's parameters (分类分档考核): each KPI's weight and the grade bands.

They live with the other business parameters (`evaluation.weights`, `evaluation.bands`) and are
checked here when an admin edits them; engine.statistics.evaluation reads them to score.
Stored as JSON: weights {kpi code: points}, bands [[min score, label], …].
"""
from __future__ import annotations

import json

from forms.messages import msg

# The rates a department is scored on (超期件数 is shown beside them: a count has no scale to
# weigh, and a late case already costs points through 按时办结率).
WEIGHTED = ("sign_for_on_time", "handled_on_time", "extension_rate", "return_rate", "first_time_resolution",
            "satisfaction_rate", "visit_rate", "urged_closed_rate")
DEFAULT_WEIGHTS = {"sign_for_on_time": 15, "handled_on_time": 25, "extension_rate": 5, "return_rate": 10,
                   "first_time_resolution": 15, "satisfaction_rate": 20, "visit_rate": 5, "urged_closed_rate": 5}
DEFAULT_BANDS = [[90, "优秀"], [80, "良好"], [60, "合格"], [0, "待改进"]]
MAX_LABEL = 20


def _decoded(value: object) -> object:
    """A value typed into the admin form is JSON text; the API may send the structure itself."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise ValueError(msg("not_json", "must be JSON")) from None
    return value


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def weights(value: object) -> dict:
    """{kpi code: weight ≥ 0}, only codes of WEIGHTED, at least one weight above 0."""
    value = _decoded(value)
    if not isinstance(value, dict):
        raise ValueError(msg("weights_not_mapping", "must be a JSON object of KPI code to weight"))
    unknown = sorted(set(value) - set(WEIGHTED))
    if unknown:
        raise ValueError(msg("weights_unknown_code", "unknown KPI codes %(codes)s; allowed: %(allowed)s",
                             codes="、".join(unknown), allowed="、".join(WEIGHTED)))
    if not all(_number(w) and 0 <= w <= 1000 for w in value.values()):
        raise ValueError(msg("weight_out_of_range", "each weight must be a number from 0 to 1000"))
    if not any(w > 0 for w in value.values()):
        raise ValueError(msg("weights_all_zero", "at least one weight must be above 0"))
    return {code: value[code] for code in WEIGHTED if code in value}


def bands(value: object) -> list:
    """[[min score, label], …] with distinct minimums from 0 to 100, one of them 0 (every score
    gets a band); kept highest first."""
    value = _decoded(value)
    if not isinstance(value, list) or not value or not all(isinstance(b, list) and len(b) == 2 for b in value):
        raise ValueError(msg("bands_not_list", "must be a JSON list of [minimum score, label]"))
    if not all(_number(low) and 0 <= low <= 100 for low, _label in value):
        raise ValueError(msg("band_out_of_range", "each minimum score must be a number from 0 to 100"))
    if not all(isinstance(label, str) and 0 < len(label.strip()) <= MAX_LABEL for _low, label in value):
        raise ValueError(msg("band_label", "each label must be text of 1 to %(n)s characters", n=MAX_LABEL))
    lows = [low for low, _label in value]
    if len(set(lows)) != len(lows) or 0 not in lows:
        raise ValueError(msg("bands_cover", "minimum scores must differ and one of them must be 0"))
    return sorted(([low, label.strip()] for low, label in value), key=lambda b: -b[0])


RULES = {"evaluation.weights": weights, "evaluation.bands": bands}
DEFAULTS = {"evaluation.weights": DEFAULT_WEIGHTS, "evaluation.bands": DEFAULT_BANDS}
