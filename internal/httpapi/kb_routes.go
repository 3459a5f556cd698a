package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/store"
)

const kbRoles = " Agents, monitors, dispatchers and admins draft and edit; dispatchers and admins (reviewers) approve, reject and archive."

func (a *api) registerKBRoutes() {
	a.add(route{Method: "GET", Path: "/api/v1/kb/articles", Summary: "Search or list knowledge articles (知识库)",
		Description: "With q: full-text search (two-character words such as 停车 find 停车费), best first. Without: a list ordered by " +
			"`order` (uses = most used in answers, views, updated = newly changed). Default state published (and valid now).",
		Tag: "knowledge", Query: kbListParams, Response: []kb.ArticleHit{}, auth: a.kbSearch})
	a.add(route{Method: "POST", Path: "/api/v1/kb/articles", Summary: "Write a new article (draft, version 1)", Description: kbRoles,
		Tag: "knowledge", Request: kb.ArticleInput{}, Response: store.Article{}, Status: http.StatusCreated, auth: a.kbCreate})
	a.add(route{Method: "GET", Path: "/api/v1/kb/articles/{id}", Summary: "One article (counts a view when published)",
		Tag: "knowledge", Response: store.Article{}, auth: a.kbGet})
	a.add(route{Method: "PUT", Path: "/api/v1/kb/articles/{id}", Summary: "Edit an article: a draft in place, otherwise a new version as a draft",
		Description: kbRoles, Tag: "knowledge", Request: kb.ArticleInput{}, Response: store.Article{}, auth: a.kbUpdate})
	a.add(route{Method: "GET", Path: "/api/v1/kb/articles/{id}/versions", Summary: "Every recorded version of an article with its state, author and note",
		Tag: "knowledge", Response: []articleVersionView{}, auth: a.kbVersions})
	for _, s := range kbSteps {
		a.add(route{Method: "POST", Path: "/api/v1/kb/articles/{id}/" + s.name, Summary: s.summary, Description: kbRoles + " 409 when the state does not allow it.",
			Tag: "knowledge", Request: kbStepRequest{}, OptionalBody: true, Response: store.Article{}, auth: a.kbStep(s.name)})
	}
	a.add(route{Method: "POST", Path: "/api/v1/kb/articles/{id}/use", Summary: "Count that the article was used in an answer (引用)",
		Tag: "knowledge", Status: http.StatusNoContent, auth: a.kbUse})
	const attNote = " Attachments belong to the article, not to a version: a new version keeps them; only an editor's removal drops one."
	a.add(route{Method: "POST", Path: "/api/v1/kb/articles/{id}/attachments", Summary: "Attach a file to an article (multipart field \"file\", at most 20 MB)",
		Description: "Agents, monitors, dispatchers and admins. Same types and limits as ticket attachments." + attNote,
		Tag:         "knowledge", Multipart: true, Response: articleAttachmentView{}, Status: http.StatusCreated, auth: a.kbUploadAttachment})
	a.add(route{Method: "GET", Path: "/api/v1/kb/articles/{id}/attachments", Summary: "An article's attachments", Description: attNote,
		Tag: "knowledge", Response: []articleAttachmentView{}, auth: a.kbListAttachments})
	a.add(route{Method: "GET", Path: "/api/v1/kb/articles/{id}/attachments/{att}", Summary: "Download an article's attachment",
		Tag: "knowledge", Raw: true, ContentType: "application/octet-stream", auth: a.kbDownloadAttachment})
	a.add(route{Method: "DELETE", Path: "/api/v1/kb/articles/{id}/attachments/{att}", Summary: "Remove an attachment from an article",
		Description: "Agents, monitors, dispatchers and admins; at once, for every version.", Tag: "knowledge", Status: http.StatusNoContent, auth: a.kbRemoveAttachment})
	a.add(route{Method: "GET", Path: "/api/v1/public/kb/articles/{id}/attachments", Summary: "Citizen portal: a public article's attachments (no login)",
		Tag: "knowledge", Public: true, Response: []articleAttachmentView{}, handler: http.HandlerFunc(a.kbPublicListAttachments)})
	a.add(route{Method: "GET", Path: "/api/v1/public/kb/articles/{id}/attachments/{att}", Summary: "Citizen portal: download a public article's attachment (no login)",
		Tag: "knowledge", Public: true, Raw: true, ContentType: "application/octet-stream", handler: http.HandlerFunc(a.kbPublicDownloadAttachment)})
	a.add(route{Method: "GET", Path: "/api/v1/public/kb/articles", Summary: "Citizen portal: search published public articles (no login)",
		Tag: "knowledge", Public: true, Query: kbPublicParams, Response: []kb.ArticleHit{}, handler: http.HandlerFunc(a.kbPublicSearch)})
	a.add(route{Method: "GET", Path: "/api/v1/public/kb/articles/{id}", Summary: "Citizen portal: one published public article (no login)",
		Tag: "knowledge", Public: true, Response: store.Article{}, handler: http.HandlerFunc(a.kbPublicGet)})
}

func (a *api) articles() *kb.Articles { return &kb.Articles{Store: a.st, Files: a.svc.Files} }
