"""Chinese of the completion documents (办结通知书, the closing record of every closed case): the
messages their builders raise and the batch print's reasons for leaving a case out."""
ZH = {
    # engine/documents/closing.py
    "case %(no)s has no natural completion: no 办结通知书": "工单 %(no)s 未作自然办结，没有办结通知书",
    "case %(no)s is not closed: no completion document yet": "工单 %(no)s 尚未办结，暂无办结文书",
    # batch print: why a case is left out
    "no natural completion was declared": "未作自然办结", "not closed yet": "尚未办结",
}
