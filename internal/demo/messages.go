package demo

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"strings"
	"sync"
)

// The real messages and replies the demo tickets are built from; see data/SOURCE.md.
var (
	//go:embed data/category-tree.csv
	categoryTree []byte
	//go:embed data/complaints-train.csv
	complaintsCSV []byte
	//go:embed data/replies.csv
	repliesCSV []byte
)

// Message is one real citizen message, with the government's reply when the source has one.
type Message struct {
	SourceID string
	Subject  string
	Text     string
	Subject1 string // top-level category (一级分类) when the source gives it
	Reply    string
}

var (
	messagesOnce sync.Once
	messages     []Message
)

// Messages returns the embedded messages: the 298 classified complaints, then the 120 replied.
func Messages() []Message {
	messagesOnce.Do(func() {
		for _, src := range [][]byte{complaintsCSV, repliesCSV} {
			r := csv.NewReader(bytes.NewReader(src))
			r.LazyQuotes = true
			rows, err := r.ReadAll()
			if err != nil || len(rows) == 0 {
				panic("demo: embedded messages unreadable: " + err.Error())
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[strings.TrimPrefix(h, "\ufeff")] = i
			}
			get := func(row []string, name string) string {
				if i, ok := col[name]; ok && i < len(row) {
					return cleanText(row[i])
				}
				return ""
			}
			for _, row := range rows[1:] {
				messages = append(messages, Message{SourceID: get(row, "id"), Subject: get(row, "subject"),
					Text: get(row, "text"), Subject1: get(row, "category"), Reply: get(row, "reply")})
			}
		}
	})
	return messages
}

// cleanText turns Excel's escaped carriage returns (_x000D_) into line breaks.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "_x000D_\n", "\n")
	s = strings.ReplaceAll(s, "_x000D_ ", "\n")
	s = strings.ReplaceAll(s, "_x000D_", "\n")
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
