package cli

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/httpapi"
	"github.com/hotline-dev/hotline/web"
)

// handler builds the server's HTTP side: the API, Open311, health, metrics and the web app.
func handler(d serverDeps) http.Handler {
	return httpapi.New(httpapi.Deps{Service: d.svc, Accounts: d.accounts, Store: d.st, Log: d.log, Ready: d.ready,
		Web: web.Handler(), Voice: d.voice, Map: d.mapConfig, Portal: d.portal, Clock: d.clock})
}
