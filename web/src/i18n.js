import { createI18n } from 'vue-i18n'

const zh = {
  app: { title: '12345 政务服务便民热线', short: '12345 热线' },
  common: {
    ok: '确定', cancel: '取消', save: '保存', search: '搜索', reset: '重置', refresh: '刷新', more: '加载更多',
    none: '无', loading: '加载中…', saved: '已保存', done: '操作成功', required: '必填', edit: '编辑', add: '新增',
    view: '查看', print: '打印', back: '返回', close: '关闭', yes: '是', no: '否', all: '全部', actions: '操作',
    networkError: '无法连接服务器', forbidden: '无权进行此操作', notFound: '未找到', invalid: '输入有误，请检查标红的字段',
    language: '语言', noData: '暂无数据', days: '天', name: '名称', code: '编码', parent: '上级', kind: '类型',
    conflict: '数据已被他人修改或已存在，请刷新后重试', tooLarge: '文件过大（最大 20 MB）', badType: '不支持的文件类型',
    tooMany: '操作过于频繁，请稍后再试', serverError: '服务器出错，已记录，请稍后再试',
  },
  nav: {
    agent: '受理台', dispatch: '派单/审核台', dept: '承办台', tickets: '工单查询', overview: '工单总览',
    admin: '系统管理', departments: '部门', regions: '区域', categories: '分类', users: '用户', audit: '审计日志',
    apikeys: 'API 密钥', outbox: '发件箱',
    portal: '市民门户', logout: '退出登录', password: '修改密码',
  },
  login: {
    title: '登录', username: '用户名', password: '密码', submit: '登录', failed: '用户名或密码错误',
    locked: '登录失败次数过多，请稍后再试', needUser: '请输入用户名', needPassword: '请输入密码',
  },
  password: {
    title: '修改密码', old: '原密码', new: '新密码', confirm: '确认新密码', mismatch: '两次输入的新密码不一致',
    changed: '密码已修改，请重新登录', tooShort: '新密码至少 8 位',
  },
  ticket: {
    number: '工单编号', state: '状态', channel: '渠道', requestType: '受理类型', category: '诉求分类', region: '所属区域',
    address: '地址', urgency: '紧急程度', subject: '标题', description: '诉求内容', phone: '联系电话', citizenName: '市民姓名',
    department: '承办单位', parentDepartment: '上级单位', coDepartments: '协办单位', signDeadline: '签收时限',
    handleDeadline: '办理时限', createdAt: '登记时间', updatedAt: '更新时间', closedAt: '办结时间', reply: '办理结果',
    satisfaction: '满意度', overdue: '超期', supervised: '督办', urgeCount: '催办次数', reopenCount: '重办次数',
    pendingExtension: '延期申请', mergedInto: '合并至', attachments: '附件', timeline: '办理过程（一事一档）',
    map: '位置', citizen: '市民', noAttachments: '无附件', fields: '扩展字段', deadline: '时限', point: '地图位置',
    upload: '上传附件', uploadFailed: '附件上传失败', printTitle: '工单打印', noPoint: '未标注位置',
    deadlineNormal: '正常', deadlineWarning: '预警', deadlineOverdue: '超期', actor: '操作人', note: '说明',
    list: '工单列表', filter: '筛选', searchHint: '工单号 / 电话 / 关键词', extDays: '延期 {days} 天',
    notAllowed: '当前状态不允许此操作', lat: '纬度', lng: '经度', at: '时间',
    notFoundOrScope: '未找到该工单，或它不在您所在单位的办理范围内',
  },
  action: {
    title: '办理', note: '说明', reason: '原因', answer: '答复内容', reply: '办理结果', department: '单位', days: '延期天数',
    satisfaction: '满意度', mainNumber: '主工单编号', photos: '照片', needReason: '请填写原因', needAnswer: '请填写答复内容',
    needDept: '请选择单位', needDays: '天数为 1 到 90', needSat: '请选择满意度', needMain: '请填写主工单编号',
    needNote: '请填写内容', confirm: '确定执行“{name}”？',
  },
  agent: {
    title: '受理台', entry: '工单登记', register: '登记', registerDispatch: '登记并派单', closeOnSpot: '直接答复办结',
    answer: '答复内容', dispatchTo: '派往单位', suggested: '按分类推荐', created: '已登记工单 {number}',
    closed: '已办结工单 {number}', recent: '最近登记', clear: '清空', searchTickets: '搜索工单',
    phoneInvalid: '电话号码为 5–20 位数字', needSubject: '请填写标题或诉求内容', needAnswer: '直接办结需填写答复内容',
    needDept: '登记并派单需选择单位', citizenInfo: '来电市民', history: '历史工单', blacklisted: '黑名单',
    keyboardHint: 'Tab 切换字段，Enter 提交登记，Ctrl+Enter 登记并派单',
  },
  dispatch: {
    title: '派单/审核台', registered: '待派单', returned: '退单审核', extension: '延期审核', replied: '待审核',
    callback: '待回访', overdue: '超期工单', supervised: '督办',
  },
  dept: {
    title: '承办台', inbox: '本单位工单', toAccept: '待签收', processing: '办理中', all: '全部在办',
  },
  admin: {
    departments: '部门管理', regions: '区域管理', categories: '分类管理', users: '用户管理', audit: '审计日志',
    boundary: '边界 (GeoJSON)', uploadGeoJSON: '上传 GeoJSON', level: '层级', defaultDept: '默认承办单位',
    username: '用户名', displayName: '姓名', role: '角色', password: '密码', phoneGrant: '可见完整号码',
    disabled: '停用', resetPassword: '重置密码', who: '操作人', what: '动作', detail: '详情', ip: 'IP', at: '时间',
    target: '对象', geojsonInvalid: 'GeoJSON 无效：需要 Polygon 或 MultiPolygon', phone: '电话',
    apikeys: 'API 密钥', outbox: '消息发件箱', prefix: '前缀', lastUsed: '最近使用', revoked: '已吊销', revoke: '吊销',
    revokeConfirm: '吊销密钥“{name}”？使用它的系统将无法再访问。', secretOnce: '新密钥只显示这一次，请立即复制保存：',
    recipient: '接收方', body: '内容', attempts: '次数', lastError: '最近错误', retry: '重发',
  },
  outbox: { queued: '排队中', sending: '发送中', sent: '已发送', failed: '待重试', dead: '发送失败' },
  home: { welcome: '欢迎，{name}', noDesk: '您的角色没有对应的工作台' },
  citizen: { edit: '编辑档案', tags: '标签', profile: '查看市民档案' },
  kinds: { centre: '热线中心', bureau: '市直部门', district: '区县', street: '街道/乡镇', community: '社区/村', company: '公共服务企业' },
  levels: { city: '市', district: '区县', street: '街道', community: '社区' },
}

const en = {
  app: { title: '12345 Government Service Hotline', short: '12345 Hotline' },
  common: {
    ok: 'OK', cancel: 'Cancel', save: 'Save', search: 'Search', reset: 'Reset', refresh: 'Refresh', more: 'Load more',
    none: 'None', loading: 'Loading…', saved: 'Saved', done: 'Done', required: 'Required', edit: 'Edit', add: 'Add',
    view: 'View', print: 'Print', back: 'Back', close: 'Close', yes: 'Yes', no: 'No', all: 'All', actions: 'Actions',
    networkError: 'Cannot reach the server', forbidden: 'You may not do this', notFound: 'Not found',
    invalid: 'Please correct the fields marked in red', language: 'Language', noData: 'No data', days: 'days',
    name: 'Name', code: 'Code', parent: 'Parent', kind: 'Kind',
    conflict: 'Changed or taken meanwhile; reload and retry', tooLarge: 'File too large (20 MB at most)',
    badType: 'File type not accepted', tooMany: 'Too many attempts; try again later', serverError: 'Server error; it has been logged',
  },
  nav: {
    agent: 'Agent desk', dispatch: 'Dispatch & review', dept: 'Department desk', tickets: 'Tickets', overview: 'Overview',
    admin: 'Administration', departments: 'Departments', regions: 'Regions', categories: 'Categories', users: 'Users',
    apikeys: 'API keys', outbox: 'Outbox',
    audit: 'Audit log', portal: 'Citizen portal', logout: 'Log out', password: 'Change password',
  },
  login: {
    title: 'Log in', username: 'Username', password: 'Password', submit: 'Log in', failed: 'Wrong username or password',
    locked: 'Too many failed attempts; try again later', needUser: 'Enter your username', needPassword: 'Enter your password',
  },
  password: {
    title: 'Change password', old: 'Current password', new: 'New password', confirm: 'Repeat new password',
    mismatch: 'The new passwords differ', changed: 'Password changed; please log in again', tooShort: 'At least 8 characters',
  },
  ticket: {
    number: 'Number', state: 'State', channel: 'Channel', requestType: 'Request type', category: 'Category', region: 'Region',
    address: 'Address', urgency: 'Urgency', subject: 'Subject', description: 'Description', phone: 'Phone',
    citizenName: 'Citizen name', department: 'Department', parentDepartment: 'Parent unit', coDepartments: 'Co-handling',
    signDeadline: 'Sign-for deadline', handleDeadline: 'Deadline', createdAt: 'Registered', updatedAt: 'Updated',
    closedAt: 'Closed', reply: 'Result', satisfaction: 'Satisfaction', overdue: 'Overdue', supervised: 'Supervised',
    urgeCount: 'Urged', reopenCount: 'Reopened', pendingExtension: 'Extension request', mergedInto: 'Merged into',
    attachments: 'Attachments', timeline: 'History', map: 'Location', citizen: 'Citizen', noAttachments: 'No attachments',
    fields: 'Custom fields', deadline: 'Deadline', point: 'Map point', upload: 'Upload', uploadFailed: 'Upload failed',
    printTitle: 'Ticket', noPoint: 'No map point', deadlineNormal: 'Normal', deadlineWarning: 'Warning',
    deadlineOverdue: 'Overdue', actor: 'By', note: 'Note', list: 'Tickets', filter: 'Filter',
    searchHint: 'Number / phone / words', extDays: '{days} more days', notAllowed: 'Not allowed in this state',
    lat: 'Latitude', lng: 'Longitude', at: 'At',
    notFoundOrScope: 'No such ticket, or it is outside your department',
  },
  action: {
    title: 'Action', note: 'Note', reason: 'Reason', answer: 'Answer', reply: 'Result', department: 'Department',
    days: 'Days', satisfaction: 'Satisfaction', mainNumber: 'Main ticket number', photos: 'Photos',
    needReason: 'A reason is required', needAnswer: 'An answer is required', needDept: 'Choose a department',
    needDays: '1 to 90 days', needSat: 'Choose a satisfaction', needMain: 'Enter the main ticket number',
    needNote: 'Required', confirm: 'Do “{name}”?',
  },
  agent: {
    title: 'Agent desk', entry: 'New ticket', register: 'Register', registerDispatch: 'Register and dispatch',
    closeOnSpot: 'Answer and close', answer: 'Answer given', dispatchTo: 'Dispatch to', suggested: 'from the category',
    created: 'Registered {number}', closed: 'Closed {number}', recent: 'Recently registered', clear: 'Clear',
    searchTickets: 'Search tickets', phoneInvalid: '5 to 20 digits', needSubject: 'A subject or description is required',
    needAnswer: 'Answer required to close on the spot', needDept: 'Choose a department to dispatch to',
    citizenInfo: 'Caller', history: 'Past tickets', blacklisted: 'Blacklisted',
    keyboardHint: 'Tab moves between fields, Enter registers, Ctrl+Enter registers and dispatches',
  },
  dispatch: {
    title: 'Dispatch & review', registered: 'To dispatch', returned: 'Returns', extension: 'Extensions',
    replied: 'To review', callback: 'Callback', overdue: 'Overdue', supervised: 'Supervised',
  },
  dept: { title: 'Department desk', inbox: 'Our tickets', toAccept: 'To accept', processing: 'Processing', all: 'All open' },
  admin: {
    departments: 'Departments', regions: 'Regions', categories: 'Categories', users: 'Users', audit: 'Audit log',
    boundary: 'Boundary (GeoJSON)', uploadGeoJSON: 'Upload GeoJSON', level: 'Level', defaultDept: 'Default department',
    username: 'Username', displayName: 'Name', role: 'Role', password: 'Password', phoneGrant: 'Sees full phones',
    disabled: 'Disabled', resetPassword: 'Reset password', who: 'Who', what: 'What', detail: 'Detail', ip: 'IP', at: 'At',
    target: 'Target', geojsonInvalid: 'Invalid GeoJSON: a Polygon or MultiPolygon is needed', phone: 'Phone',
    apikeys: 'API keys', outbox: 'Outbox', prefix: 'Prefix', lastUsed: 'Last used', revoked: 'Revoked', revoke: 'Revoke',
    revokeConfirm: 'Revoke the key “{name}”? Systems using it lose access.', secretOnce: 'The new key is shown only once; copy it now:',
    recipient: 'Recipient', body: 'Content', attempts: 'Attempts', lastError: 'Last error', retry: 'Retry',
  },
  outbox: { queued: 'Queued', sending: 'Sending', sent: 'Sent', failed: 'Retrying', dead: 'Failed' },
  home: { welcome: 'Welcome, {name}', noDesk: 'Your role has no desk' },
  citizen: { edit: 'Edit profile', tags: 'Tags', profile: 'Citizen profile' },
  kinds: { centre: 'Hotline centre', bureau: 'City bureau', district: 'District', street: 'Street', community: 'Community', company: 'Utility company' },
  levels: { city: 'City', district: 'District', street: 'Street', community: 'Community' },
  // English names of the server's identifiers; Chinese comes from /api/v1/meta.
  names: {
    state: { registered: 'Registered', dispatched: 'Dispatched', returned: 'Returned', processing: 'Processing', replied: 'Replied', callback: 'Callback', closed: 'Closed', cancelled: 'Cancelled', merged: 'Merged' },
    action: { register: 'Register', close_on_spot: 'Close on the spot', dispatch: 'Dispatch', return: 'Return', approve_return: 'Approve return', reject_return: 'Reject return', accept: 'Accept', sub_dispatch: 'Sub-dispatch', request_cohandling: 'Co-handling', request_extension: 'Request extension', approve_extension: 'Approve extension', refuse_extension: 'Refuse extension', reply: 'Reply', approve_reply: 'Approve reply', reject_reply: 'Send back', callback: 'Callback', close: 'Close', urge: 'Urge', supervise: 'Supervise', merge: 'Merge', cancel: 'Cancel ticket', absorb: 'Absorbed duplicate', comment: 'Comment' },
    request_type: { consult: 'Consultation', help: 'Help', complaint: 'Complaint', report: 'Report', suggestion: 'Suggestion', praise: 'Praise', other: 'Other' },
    urgency: { urgent: 'Urgent', expedited: 'Expedited', normal: 'Normal' },
    satisfaction: { satisfied: 'Satisfied', basic_satisfied: 'Basically satisfied', unsatisfied: 'Unsatisfied', unreachable: 'Unreachable' },
    channel: { phone: 'Phone', voicemail: 'Voicemail', portal: 'Portal', open311: 'Open311', email: 'E-mail', sms: 'SMS', wechat: 'WeChat', chat: 'Chat', fax: 'Fax', inspector: 'Inspector', import: 'Import' },
    role: { agent: 'Agent', monitor: 'Monitor', dispatcher: 'Dispatcher', handler: 'Handler', dept_admin: 'Department admin', leader: 'Leader', admin: 'Administrator', citizen: 'Citizen' },
  },
}

// Server field reasons (English) shown in Chinese beside the fields.
export const reasonsZh = {
  'required': '必填',
  'a reason is required': '请填写原因',
  'a department is required': '请选择单位',
  'the answer given to the citizen is required': '请填写答复内容',
  'a subject or description is required': '请填写标题或诉求内容',
  'between 1 and 90 days': '天数为 1 到 90',
  'a comment is required': '请填写内容',
  'the main ticket\'s number is required': '请填写主工单编号',
  'a ticket cannot be merged into itself': '不能合并到自身',
  'say what the citizen is unsatisfied with': '请填写不满意的原因',
  'digits only, 5 to 20 of them (a leading + is allowed)': '电话号码为 5–20 位数字',
  'lat and lng go together': '经纬度需同时填写',
  'not a point on Earth': '坐标无效',
  'unknown field': '未知字段',
  'no such category': '分类不存在',
  'no such region': '区域不存在',
  'no such department': '单位不存在',
  'sub-dispatch goes to a subordinate unit, not the same one': '下派需选择下级单位',
  'the handling department cannot co-handle its own ticket': '承办单位不能作为自己的协办单位',
  'already co-handling': '该单位已在协办',
}

const saved = (() => { try { return localStorage.getItem('hotline.lang') } catch { return null } })()

export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
  missingWarn: false,
  fallbackWarn: false,
})

export function setLanguage(lang) {
  i18n.global.locale.value = lang
  try { localStorage.setItem('hotline.lang', lang) } catch { /* private mode */ }
  document.documentElement.lang = lang
}

export function reason(r) {
  if (i18n.global.locale.value !== 'zh-CN') return r
  return reasonsZh[r] || r
}
