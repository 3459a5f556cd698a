// The knowledge base's words (知识库), kept beside its pages and merged into the app's i18n
// (web/src/i18n.js) so the shared message file only gains one block.
export const kbZh = {
  nav: { kb: '知识库' },
  kb: {
    title: '知识库', new: '新建知识', editTitle: '编辑知识', searchHint: '输入关键词搜索，如：停车、公积金、噪音',
    state: '状态', states: { draft: '草稿', review: '待审核', published: '已发布', archived: '已下架' },
    category: '知识分类', orderUpdated: '最近更新', orderUses: '最常用', orderViews: '最多浏览', byRelevance: '按相关度排序，共 {n} 条',
    public: '公开', uses: '引用', views: '浏览', updatedAt: '更新于', version: '版本', publishedVersion: '已发布第 {v} 版',
    validity: '有效期', counts: '引用 / 浏览', keywords: '关键词', departments: '相关单位', answers: '应答口径',
    history: '版本记录', sentBack: '审核退回', rejectReason: '退回原因', needReason: '请填写退回原因',
    archiveConfirm: '下架后坐席和市民将搜索不到这篇知识，确定下架？',
    step: { submit: '提交审核', approve: '审核通过并发布', reject: '退回修改', archive: '下架' },
    stepDone: { submit: '已提交审核', approve: '已发布', reject: '已退回', archive: '已下架' },
    notes: { created: '新建', edited: '修改', submitted: '提交审核', archived: '下架' },
    titleField: '标题', keywordsHint: '输入后回车添加，如：停车', body: '正文', bodyHint: '支持 Markdown：# 标题、- 列表、**加粗**、[链接](https://…)',
    answerHint: '应答 {n}：针对一种问法的答复口径', addAnswer: '添加应答', removeAnswer: '删除', validFrom: '生效日期', validTo: '失效日期',
    publicHint: '公开的知识发布后市民可在门户“常见问题”中查到', remove: '移除', removeConfirm: '移除附件“{name}”？',
    uploadOnSave: '保存时上传', saveDraft: '保存草稿', saveSubmit: '保存并提交审核',
    draftHint: '保存为草稿，提交审核通过后发布', newVersionHint: '修改将生成新版本草稿，审核通过前这篇知识不会出现在搜索和坐席辅助中',
    validOrder: '失效日期须晚于生效日期', needBody: '请填写正文或至少一条应答',
    assist: '坐席辅助 · 知识推荐', assistHint: '输入标题或诉求内容后，这里会推荐相关知识', assistNone: '暂无相关知识',
    noAnswers: '该知识没有应答口径', useInAnswer: '用于答复', used: '已填入答复内容', fullArticle: '查看全文',
  },
}

export const kbEn = {
  nav: { kb: 'Knowledge' },
  kb: {
    title: 'Knowledge base', new: 'New article', editTitle: 'Edit article', searchHint: 'Words to search, e.g. parking, housing fund, noise',
    state: 'State', states: { draft: 'Draft', review: 'In review', published: 'Published', archived: 'Archived' },
    category: 'Category', orderUpdated: 'Newly changed', orderUses: 'Most used', orderViews: 'Most viewed', byRelevance: 'Best match first, {n} found',
    public: 'Public', uses: 'Used', views: 'Views', updatedAt: 'Updated', version: 'Version', publishedVersion: 'version {v} published',
    validity: 'Valid', counts: 'Used / views', keywords: 'Keywords', departments: 'Departments', answers: 'Answers',
    history: 'Versions', sentBack: 'Sent back', rejectReason: 'Reason', needReason: 'Give the reason',
    archiveConfirm: 'Agents and citizens will no longer find this article. Archive it?',
    step: { submit: 'Submit for review', approve: 'Approve and publish', reject: 'Send back', archive: 'Archive' },
    stepDone: { submit: 'Submitted for review', approve: 'Published', reject: 'Sent back', archive: 'Archived' },
    notes: { created: 'Created', edited: 'Edited', submitted: 'Submitted', archived: 'Archived' },
    titleField: 'Title', keywordsHint: 'Type and press Enter', body: 'Body', bodyHint: 'Markdown: # heading, - list, **bold**, [link](https://…)',
    answerHint: 'Answer {n}: for one way of asking', addAnswer: 'Add answer', removeAnswer: 'Remove', validFrom: 'Valid from', validTo: 'Valid to',
    publicHint: 'Public articles appear in the portal FAQ once published', remove: 'Remove', removeConfirm: 'Remove “{name}”?',
    uploadOnSave: 'uploaded on save', saveDraft: 'Save draft', saveSubmit: 'Save and submit',
    draftHint: 'Saved as a draft; published after review', newVersionHint: 'Editing makes a new draft version; the article leaves search and assist until it is approved',
    validOrder: 'Must be after the start date', needBody: 'Write a body or at least one answer',
    assist: 'Agent assist · knowledge', assistHint: 'Type a subject or description to see matching articles', assistNone: 'No matching article',
    noAnswers: 'No answers in this article', useInAnswer: 'Use in answer', used: 'Copied into the answer', fullArticle: 'Full article',
  },
}

// Server field reasons of the article API, in Chinese.
export const kbReasonsZh = {
  'at most 200 characters': '最多 200 个字',
  'at most 200 kB': '正文最多 200 KB',
  'must be after valid_from': '失效日期须晚于生效日期',
}
