// The portal's words, kept beside its pages and merged into the app's i18n when the portal
// loads, so the staff bundle does not carry them.
import { i18n } from '../i18n'

const zh = {
  portal: {
    title: '12345 市民诉求', subtitle: '政务服务便民热线 · 网上诉求', submitTab: '我要反映', lookupTab: '进度查询',
    staff: '工作人员登录',
    requestType: '诉求类型', category: '诉求分类', categoryHint: '可选，选择最接近的分类', subject: '标题',
    subjectHint: '可选，一句话概括', description: '诉求内容', descriptionHint: '请写清时间、地点、事情经过和您的诉求',
    address: '事发地址', addressHint: '如：某某区某某街道某某路 8 号', point: '地图位置', pointHint: '在地图上点一下标注位置（可选）',
    clearPoint: '清除位置', pointSet: '已标注：{lat}, {lng}', photos: '现场照片', photosHint: '可选，最多 6 张图片，每张不超过 5 MB',
    phone: '联系电话', phoneHint: '手机号或带区号的固定电话', name: '称呼', nameHint: '可选，如：李女士',
    question: '验证问题', answer: '答案', newQuestion: '换一题', submit: '提交诉求', submitting: '正在提交…',
    needDescription: '请填写诉求内容', needPlace: '请填写地址或在地图上标注位置', needPhone: '请填写联系电话',
    badPhone: '请填写 11 位手机号或带区号的固定电话', needAnswer: '请回答验证问题', tooLong: '最多 {n} 个字',
    photoType: '只能上传图片（JPG、PNG、GIF、WebP）', photoSize: '每张图片不超过 5 MB', photoMax: '最多 6 张图片',
    submitted: '诉求已提交', submittedHint: '请记下工单编号，凭编号和联系电话可随时查询办理进度。',
    number: '工单编号', photosSent: '已上传照片 {n} 张', photosFailed: '{n} 张照片上传失败：{why}',
    toLookup: '查询进度', another: '再提一件',
    lookupTitle: '查询办理进度', lookupHint: '输入工单编号和提交时留的联系电话', lookup: '查询',
    needNumber: '请填写工单编号', notFound: '没有找到该工单，请核对编号和联系电话',
    status: '办理状态', submittedAt: '提交时间', closedAt: '办结时间', department: '承办单位', reply: '办理答复',
    progress: '办理过程', rateTitle: '请对办理结果进行评价', rate: '提交评价', comment: '意见或建议',
    commentHint: '选择“不满意”时请说明原因，工单将重新办理', needRating: '请选择评价', needComment: '请说明不满意的原因',
    rated: '感谢您的评价', yourRating: '满意度评价', reopened: '已收到您的意见，工单已退回承办单位重新办理',
    tooMany: '操作过于频繁，请稍后再试', wrongAnswer: '验证答案不正确或已过期，请回答新的问题',
    kbTab: '常见问题', kbHint: '输入问题关键词，如：停车、公积金', kbSearch: '搜索', kbPopular: '热门问题',
    kbFound: '找到 {n} 条相关问答', kbNone: '没有找到相关问答，您可以在“我要反映”中提出诉求', kbBack: '常见问题',
    kbMissing: '该问答不存在或已下架', kbUpdated: '更新于', kbFiles: '相关文件', kbAsk: '没找到答案？',
  },
  rating: { satisfied: '满意', basic_satisfied: '基本满意', unsatisfied: '不满意', unreachable: '回访未联系上' },
}

const en = {
  portal: {
    title: '12345 Citizen Requests', subtitle: 'Government service hotline · online', submitTab: 'Report', lookupTab: 'Track',
    staff: 'Staff log-in',
    requestType: 'Type', category: 'Category', categoryHint: 'Optional: the closest category', subject: 'Subject',
    subjectHint: 'Optional: one line', description: 'Description', descriptionHint: 'When, where, what happened and what you ask for',
    address: 'Address', addressHint: 'e.g. 8 Some Road, Some Street, Some District', point: 'Map point', pointHint: 'Tap the map to mark the place (optional)',
    clearPoint: 'Clear point', pointSet: 'Marked: {lat}, {lng}', photos: 'Photos', photosHint: 'Optional: up to 6 images, 5 MB each',
    phone: 'Phone', phoneHint: 'Mobile, or landline with area code', name: 'Name', nameHint: 'Optional',
    question: 'Check question', answer: 'Answer', newQuestion: 'Another question', submit: 'Submit', submitting: 'Submitting…',
    needDescription: 'Describe the request', needPlace: 'Give an address or mark the map', needPhone: 'A phone number is required',
    badPhone: 'An 11-digit mobile or a landline with area code', needAnswer: 'Answer the check question', tooLong: 'At most {n} characters',
    photoType: 'Images only (JPG, PNG, GIF, WebP)', photoSize: '5 MB per image at most', photoMax: 'Up to 6 images',
    submitted: 'Request submitted', submittedHint: 'Keep the number: with it and your phone you can track the request.',
    number: 'Ticket number', photosSent: '{n} photo(s) uploaded', photosFailed: '{n} photo(s) failed: {why}',
    toLookup: 'Track it', another: 'Report another',
    lookupTitle: 'Track a request', lookupHint: 'The ticket number and the phone you gave', lookup: 'Look up',
    needNumber: 'Enter the ticket number', notFound: 'No such request: check the number and phone',
    status: 'Status', submittedAt: 'Submitted', closedAt: 'Closed', department: 'Handled by', reply: 'Reply',
    progress: 'Progress', rateTitle: 'How was it handled?', rate: 'Send rating', comment: 'Comment',
    commentHint: 'If unsatisfied, say why: the request will be handled again', needRating: 'Choose a rating', needComment: 'Say what is not resolved',
    rated: 'Thank you for your rating', yourRating: 'Rating', reopened: 'Thank you: the request goes back to the department',
    tooMany: 'Too many requests; try again later', wrongAnswer: 'Wrong or expired answer: here is a new question',
    kbTab: 'FAQ', kbHint: 'Words of your question, e.g. parking', kbSearch: 'Search', kbPopular: 'Popular questions',
    kbFound: '{n} answer(s) found', kbNone: 'Nothing found: you can ask under “Report”', kbBack: 'FAQ',
    kbMissing: 'This answer does not exist or was withdrawn', kbUpdated: 'Updated', kbFiles: 'Documents', kbAsk: 'No answer?',
  },
  rating: { satisfied: 'Satisfied', basic_satisfied: 'Basically satisfied', unsatisfied: 'Unsatisfied', unreachable: 'Not reached at callback' },
  // The citizen's status and timeline codes (Chinese comes from the server).
  pstatus: { received: 'Received', processing: 'Being handled', to_rate: 'Handled, awaiting your rating', closed: 'Closed', cancelled: 'Closed without action', merged: 'Handled with the same matter' },
  pstep: { received: 'Request received', dispatched: 'Passed to the handling unit', reassigning: 'Finding the right unit', accepted: 'Accepted by the unit, being handled',
    extended: 'Deadline extended', replied: 'Reply given', reopened: 'Rated unsatisfied: handled again', rated: 'Rated, closed', closed: 'Closed',
    cancelled: 'Closed', merged: 'Handled with the same matter', photo: 'You added a photo' },
}

// Server reasons shown beside the fields, in Chinese.
export const portalReasonsZh = {
  'describe the request': '请填写诉求内容',
  'a mainland mobile (11 digits) or a landline with its area code': '请填写 11 位手机号或带区号的固定电话',
  'give an address or a point on the map': '请填写地址或在地图上标注位置',
  'answer the check question': '请回答验证问题',
  'no such category': '分类不存在',
  'unknown request type': '诉求类型不存在',
  'say what is not resolved': '请说明不满意的原因',
}

let merged = false
export function useMessages() {
  if (merged) return
  i18n.global.mergeLocaleMessage('zh-CN', zh)
  i18n.global.mergeLocaleMessage('en', en)
  merged = true
}
