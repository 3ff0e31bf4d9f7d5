"""Chinese strings of the knowledge base (知识库) pages, the agent desk's suggestions and their messages."""
ZH = {
    # list, article, navigation
    "Knowledge base": "知识库", "New article": "新建知识", "Approval queue": "知识审核",
    "standard answers, maintained by each department and approved by the center": "标准答复口径，由各单位维护、中心审核发布",
    "Search the articles (e.g. 公积金提取)": "搜索知识（如：公积金提取）", "All states": "全部状态",
    "Valid": "有效期", "Updated": "更新时间", "No article matches.": "没有符合条件的知识。", "%(n)s articles": "共 %(n)s 条知识",
    "pending approval": "待审核", "version %(n)s": "第 %(n)s 版", "valid": "有效期", "expired": "已过期",
    "Sent back by the center:": "中心退回意见：", "Version history": "版本历史", "Submit for approval": "提交审核",
    "Approve and publish": "审核通过并发布", "Why it goes back": "退回原因", "Send back": "退回修改",
    "Example recordings": "示范录音", "cut %(a)s–%(b)s s": "截取 %(a)s–%(b)s 秒",
    "No recording shared yet. Share one from a call’s page.": "尚无示范录音，可在来电详情页分享。",
    # editor
    "Edit article": "编辑知识",
    "Saving makes a new version that goes back to draft: the center approves it again before agents see it.":
        "保存将生成新版本并退回草稿状态，须经中心重新审核后话务员才能看到。",
    "Owning department": "维护单位", "Text": "正文", "List": "列表", "Numbered list": "编号列表", "Heading": "小标题",
    "Link": "链接", "Valid from": "生效日期", "Valid to": "失效日期", "Change note": "修改说明",
    "Article saved as a draft.": "知识已保存为草稿。", "New version saved.": "新版本已保存。",
    # states and history
    "Submitted for approval.": "已提交审核。", "Published.": "已发布。", "Sent back to the department.": "已退回维护单位。",
    "Retired.": "已停用。", "Approval record": "审核记录", "Submitted for approval": "提交审核",
    "Approved and published": "审核通过并发布", "Sent back": "退回修改", "Changed after publication": "发布后修改",
    "Not submitted yet.": "尚未提交审核。",
    "articles the departments submitted for publication": "各单位提交待发布的知识", "Nothing waits for approval.": "暂无待审核的知识。",
    # the agent desk
    "Suggested articles": "推荐知识",
    "Articles of the knowledge base that fit the request appear here as you type the title or content.":
        "输入标题或诉求内容时，这里推荐相关的知识库答复口径。",
    "No article fits yet.": "暂无相关知识。", "Answer given to the caller": "答复来电人的内容",
    "Register and answer directly citing this article": "登记并引用本条直接答复",
    "Case %(no)s registered and answered directly from the knowledge base.": "工单 %(no)s 已登记，并已引用知识库直接答复。",
    "Case %(no)s registered; the direct answer could not be recorded, answer it at triage.":
        "工单 %(no)s 已登记，但直接答复未能记录，请在分类处置中答复。",
    "Answered citing a knowledge article": "引用知识库文章答复",
    "%(title)s (article %(id)s, version %(version)s)": "%(title)s（知识 %(id)s，第 %(version)s 版）",
    # recordings
    "Share a recording into the knowledge base": "分享录音到知识库", "The recording of call %(id)s": "来电 %(id)s 的录音",
    "Find the article": "查找知识", "Article number": "知识编号", "Cut from (seconds)": "截取开始（秒）",
    "to (seconds)": "截取结束（秒）", "Share into the knowledge base": "分享到知识库",
    "The recording is shared into the article.": "录音已分享到该知识。",
    # messages
    "choose an article to cite": "请选择引用的知识", "knowledge article %(id)s not found": "知识 %(id)s 不存在",
    "only the owning department's editors may change this article": "只有维护单位的人员可以修改本条知识",
    "choose a category": "请选择知识分类", "an article belongs to your department or one below it": "知识只能归属本单位或下级单位",
    "the end of validity comes before its start": "失效日期早于生效日期",
    "the article waits for approval: it cannot be changed now": "该知识正在审核，暂不能修改",
    "the article was saved meanwhile (version %(v)s)": "该知识已被他人保存（第 %(v)s 版），请重新打开",
    "unknown action": "未知操作", "say why the article is sent back": "请填写退回原因",
    "the article is %(state)s: it cannot be %(action)s now": "该知识当前状态为 %(state)s，不能执行 %(action)s",
    "knowledge article %(id)s is not published or not valid today": "知识 %(id)s 未发布或不在有效期内",
    "this call has no recording": "该来电没有录音", "the recording of a confidential case is not shared": "保密工单的录音不能分享",
    "must be a whole number": "须为整数", "must lie within the call (0–%(n)s s)": "须在通话时长内（0–%(n)s 秒）",
    "the end of the cut comes after its start": "截取结束须晚于开始",
    "only the center's call roles listen to shared recordings": "只有中心话务相关岗位可以收听分享的录音",
    "shared recording %(id)s not found": "分享的录音 %(id)s 不存在",
    # the category tree (api/pages/knowledge/categories.py)
    "Categories": "知识分类", "Knowledge categories": "知识分类", "the tree articles are filed under": "知识条目归档的分类树",
    "Under": "上级分类", "Add a category": "新增分类", "No category yet.": "还没有分类。", "(top level)": "（顶级）",
    "Category added.": "分类已新增。", "Category renamed.": "分类已改名。",
}
