"""Chinese strings of the Excel import pages (api/pages/contacts/imports.py, engine.imports)."""
ZH = {
    "Imports": "批量导入", "Import": "导入", "Import from Excel": "Excel 导入", "File": "文件", "Rows": "行数",
    "Good rows": "成功行", "Bad rows": "错误行", "Duplicates": "重复", "Workbook": "工作簿", "Upload": "上传",
    "Upload an .xlsx workbook whose first row holds the column titles. You map the columns to fields next; the import then runs in the background.":
        "请上传首行为列标题的 .xlsx 工作簿。下一步将各列对应到字段，导入随后在后台进行。",
    "Map the columns": "列与字段对应",
    "Choose the field each column holds (guessed from the column titles); fields marked * are required.":
        "请为每一列选择对应的字段(已按列标题预填)；带 * 的字段为必填。",
    "Column": "列", "Field": "字段", "(ignore)": "(忽略)", "Start the import": "开始导入",
    "Numbers already known: update those contacts (else they are reported as duplicates)":
        "号码已存在时更新该联系人(否则作为重复记录报告)",
    "Import progress": "导入进度", "Download the rejected rows (.xlsx)": "下载错误行(.xlsx)", "Refresh": "刷新",
    "Rejected rows": "错误行", "Row": "行号", "Error code": "错误代码", "Error message": "错误说明",
    "Waiting for the mapping": "待对应字段", "Queued": "排队中", "Importing": "导入中", "Done": "已完成", "Failed": "失败",
    "Imports are for the center's shift leads and administrators.": "批量导入仅供中心值班长和管理员使用。",
    # engine.imports messages
    "no import into %(name)s": "不支持导入到 %(name)s", "no column %(c)s": "没有第 %(c)s 列",
    "not a field of this import": "不是本次导入的字段", "mapped to more than one column": "被对应到多个列",
    "required: choose the column that holds it": "必填：请选择对应的列",
    "not a readable .xlsx workbook (%(why)s)": "无法读取的 .xlsx 工作簿(%(why)s)",
    "the first sheet has no header row": "第一个工作表没有标题行", "upload an .xlsx workbook": "请上传 .xlsx 工作簿",
    "the file is empty or larger than 40 MB": "文件为空或超过 40 MB", "import %(id)s not found": "导入任务 %(id)s 不存在",
    "this import has started already": "该导入已开始",
}
