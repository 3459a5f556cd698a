package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// named is an identifier with its Chinese name, for pick lists.
type named struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type meta struct {
	RequestTypes  []named   `json:"request_types"`
	Urgencies     []named   `json:"urgencies"`
	Channels      []named   `json:"channels"`
	States        []named   `json:"states"`
	Actions       []named   `json:"actions"`
	Satisfactions []named   `json:"satisfactions"`
	Roles         []named   `json:"roles"`
	Map           MapConfig `json:"map"`
}

var (
	channelNames = map[ticket.Channel]string{ticket.ChannelPhone: "电话", ticket.ChannelVoicemail: "留言",
		ticket.ChannelPortal: "网站", ticket.ChannelOpen311: "Open311", ticket.ChannelEmail: "邮件", ticket.ChannelSMS: "短信",
		ticket.ChannelWeChat: "微信", ticket.ChannelChat: "在线客服", ticket.ChannelFax: "传真", ticket.ChannelInspector: "巡查上报",
		ticket.ChannelImport: "历史导入"}
	stateNames = map[ticket.State]string{ticket.Registered: "已登记", ticket.Dispatched: "待签收", ticket.Returned: "退单待审核",
		ticket.Processing: "办理中", ticket.Replied: "待审核", ticket.Callback: "待回访", ticket.Closed: "已办结",
		ticket.Cancelled: "已作废", ticket.Merged: "已合并"}
	actionNames = map[ticket.Action]string{ticket.ActRegister: "登记", ticket.ActCloseOnSpot: "直接办结", ticket.ActDispatch: "派单",
		ticket.ActReturn: "退单", ticket.ActApproveReturn: "同意退单", ticket.ActRejectReturn: "驳回退单", ticket.ActAccept: "签收",
		ticket.ActSubDispatch: "下派", ticket.ActRequestCoHandling: "协办", ticket.ActRequestExtension: "延期申请",
		ticket.ActApproveExtension: "同意延期", ticket.ActRefuseExtension: "驳回延期", ticket.ActSuspend: "挂起",
		ticket.ActResume: "恢复", ticket.ActReply: "反馈",
		ticket.ActApproveReply: "审核通过", ticket.ActRejectReply: "审核退回", ticket.ActCallback: "回访", ticket.ActClose: "办结",
		ticket.ActUrge: "催办", ticket.ActSupervise: "督办", ticket.ActMerge: "合并", ticket.ActCancel: "作废",
		ticket.ActAbsorb: "并入重复件", ticket.ActComment: "备注", ticket.ActWarn: "预警", ticket.ActMarkOverdue: "超期",
		ticket.ActSignOverdue: "签收超时"}
	roleNames = map[access.Role]string{access.Agent: "话务员", access.Monitor: "班长", access.Dispatcher: "派单员",
		access.Handler: "承办人", access.DeptAdmin: "部门管理员", access.Leader: "领导", access.Admin: "系统管理员"}
)

func (a *api) meta(w http.ResponseWriter, r *http.Request) {
	var m meta
	for _, t := range ticket.RequestTypes {
		m.RequestTypes = append(m.RequestTypes, named{string(t.ID), t.Name})
	}
	for _, u := range ticket.Urgencies {
		m.Urgencies = append(m.Urgencies, named{string(u.ID), u.Name})
	}
	for _, c := range ticket.Channels {
		m.Channels = append(m.Channels, named{string(c), channelNames[c]})
	}
	for _, s := range ticket.States {
		m.States = append(m.States, named{string(s), stateNames[s]})
	}
	for _, act := range ticket.Actions {
		m.Actions = append(m.Actions, named{string(act), actionNames[act]})
	}
	m.Satisfactions = []named{{string(ticket.Satisfied), "满意"}, {string(ticket.BasicSatisfied), "基本满意"},
		{string(ticket.Unsatisfied), "不满意"}, {string(ticket.Unreachable), "联系不上"}}
	for _, ro := range access.Roles {
		m.Roles = append(m.Roles, named{string(ro), roleNames[ro]})
	}
	m.Map = a.mapConfig
	writeJSON(w, http.StatusOK, m)
}
