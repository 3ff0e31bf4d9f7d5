"""Chinese of the statistics (统计考核指标) messages; merged by zh.py."""
ZH = {
    "must not be before the start": "不能早于开始日期",
    "department %(id)s is outside your department's scope": "单位 %(id)s 不在本单位管辖范围内",
}
