"""Chinese strings of several switches (the wallboard's queues of each switch); merged by zh.py."""
ZH = {
    "%(queue)s (switch %(switch)s)": "%(queue)s（交换机 %(switch)s）",
}
