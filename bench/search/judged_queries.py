"""The judged set's queries: (query, kind, relevant document keys of judged_docs.DOCS).

Written for this repository (issue 11). Kinds (at least 6 each):
- en_keywords     English keywords
- zh_mixed        Chinese mixed with English product terms
- zh_words        Chinese words
- en_inflections  English words in another form than the document's (plural, -ing, -ed …)
- en_typos        English with a misspelt word
- zh_typos        Chinese with a wrong character (common variants and homophones)
- en_paraphrase   English saying the same need in other words
- cross_language  a Chinese query whose answer is only in English, or the other way round
"""

QUERIES = [
    # ---- English keywords
    ("reset password link", "en_keywords", ["en01", "en02"]),
    ("download invoices pdf", "en_keywords", ["en13"]),
    ("webhook signature", "en_keywords", ["en33"]),
    ("slack integration channel", "en_keywords", ["en34"]),
    ("api token", "en_keywords", ["en30"]),
    ("vat number invoice", "en_keywords", ["en18"]),
    ("dashboard slow", "en_keywords", ["en26", "en85"]),
    ("audit log", "en_keywords", ["en46", "en88"]),
    # ---- Chinese with English product terms
    ("Excel导出报表", "zh_mixed", ["zh14", "en21"]),
    ("CSV乱码", "zh_mixed", ["zh15", "en23"]),
    ("API密钥在哪里", "zh_mixed", ["zh20", "en30"]),
    ("Webhook超时", "zh_mixed", ["zh22", "en32"]),
    ("SSO配置", "zh_mixed", ["zh06", "en06"]),
    ("接口429", "zh_mixed", ["zh21", "en31"]),
    ("Webhook签名验证", "zh_mixed", ["zh23", "en33"]),
    ("IP白名单 管理后台", "zh_mixed", ["zh60", "en83"]),
    # ---- Chinese words
    ("发票下载", "zh_words", ["zh09"]),
    ("自动续费 取消", "zh_words", ["zh11"]),
    ("退款", "zh_words", ["zh12"]),
    ("仪表盘 分享", "zh_words", ["zh19"]),
    ("操作日志", "zh_words", ["zh29"]),
    ("回收站 恢复记录", "zh_words", ["zh33"]),
    ("附件大小", "zh_words", ["zh43"]),
    ("审批流程", "zh_words", ["zh53"]),
    # ---- English inflections
    ("resetting passwords", "en_inflections", ["en01", "en02", "en03"]),
    ("exported reports", "en_inflections", ["en21", "en22"]),
    ("inviting colleagues", "en_inflections", ["en12"]),
    ("merged duplicates", "en_inflections", ["en54", "en35"]),
    ("scheduled reports", "en_inflections", ["en22"]),
    ("archived projects", "en_inflections", ["en74"]),
    ("deleted records restore", "en_inflections", ["en53"]),
    ("imports failing dates", "en_inflections", ["en51"]),
    # ---- English typos
    ("pasword reset", "en_typos", ["en01", "en02"]),
    ("invocies download", "en_typos", ["en13"]),
    ("webhok signatures", "en_typos", ["en33"]),
    ("dashbaord loads slowly", "en_typos", ["en26"]),
    ("subscripton cancel", "en_typos", ["en16"]),
    ("notifcations email off", "en_typos", ["en40"]),
    ("authenticator app lsot phone", "en_typos", ["en05"]),
    ("salesforce duplicte contacts", "en_typos", ["en35"]),
    # ---- Chinese typos
    ("忘记秘码", "zh_typos", ["zh01"]),
    ("帐号被锁定", "zh_typos", ["zh04"]),
    ("登陆二唯码不显示", "zh_typos", ["zh50"]),
    ("验正码过期", "zh_typos", ["zh61"]),
    ("权现不足", "zh_typos", ["zh62"]),
    ("如何注消帐号", "zh_typos", ["zh07"]),
    ("定阅自动续费", "zh_typos", ["zh11"]),
    ("手机收不到推宋通知", "zh_typos", ["zh27"]),
    # ---- English paraphrases
    ("I can't remember how I sign in", "en_paraphrase", ["en01"]),
    ("get my money back after being billed twice", "en_paraphrase", ["en17"]),
    ("download report as spreadsheet", "en_paraphrase", ["en21"]),
    ("stop getting so many messages in my inbox", "en_paraphrase", ["en40", "en42"]),
    ("let a teammate manage users", "en_paraphrase", ["en44"]),
    ("bring back something a coworker removed", "en_paraphrase", ["en53"]),
    ("the phone application closes right after opening", "en_paraphrase", ["en58"]),
    ("who turned off the automation", "en_paraphrase", ["en46"]),
    # ---- cross-language
    ("深色模式", "cross_language", ["en60"]),
    ("键盘快捷键", "cross_language", ["en62"]),
    ("上传公司标志", "cross_language", ["en65"]),
    ("谷歌日历同步", "cross_language", ["en76"]),
    ("计划维护 服务中断", "cross_language", ["en79"]),
    ("Python 客户端", "cross_language", ["en39"]),
    ("gantt chart", "cross_language", ["zh54"]),
    ("approval workflow for expenses", "cross_language", ["zh53"]),
]
