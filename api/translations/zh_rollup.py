"""Chinese strings of the statistics' daily rollup (its parameter on the admin page)."""
ZH = {
    "Statistics: days the nightly rollup rewrites (late changes within them count)":
        "统计：每晚重算日汇总的天数（其间的事后变更计入统计）",
}
