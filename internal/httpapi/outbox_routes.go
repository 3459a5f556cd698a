package httpapi

import (
	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
)

// registerOutboxRoutes adds the notification outbox's endpoints (消息发件箱): the queue with
// its statuses for operators, a retry for dead messages, and the message templates.
// registerRoutes calls it.
func (a *api) registerOutboxRoutes() {
	a.add(route{Method: "GET", Path: "/api/v1/outbox", Summary: "Outgoing messages (SMS, e-mail), newest first, with status and attempts",
		Tag: "outbox", Perm: access.ViewOutbox, Query: outboxParams, Response: outboxPage{}, auth: a.listOutbox})
	a.add(route{Method: "POST", Path: "/api/v1/outbox/{id}/retry", Summary: "Queue a dead message again, with a fresh attempt count",
		Description: "409 unless the message is dead.", Tag: "outbox", Perm: access.ManageOutbox,
		Response: store.OutboxMessage{}, auth: a.retryOutbox})
	a.registerOutboxTemplateRoutes()
}
