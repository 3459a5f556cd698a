package hotword_test

import (
	"fmt"

	"github.com/hotline-dev/hotline/internal/hotword"
	"github.com/hotline-dev/hotline/internal/textseg"
)

// Hot words of a week's tickets, segmented by textseg in precise mode (stop words already
// removed); only terms used by at least two tickets are listed.
func ExampleTop() {
	seg, err := textseg.Default()
	if err != nil {
		panic(err)
	}
	week := []string{
		"小区楼下烧烤店噪音扰民，每天到凌晨",
		"工地夜间施工噪音扰民，严重影响休息",
		"广场舞音响噪音扰民",
		"小区物业乱收停车费",
		"物业不作为，小区停车位被占",
	}
	var docs [][]string
	for _, text := range week {
		docs = append(docs, seg.Words(text))
	}
	opt := hotword.DefaultOptions()
	opt.Limit = 4
	for _, t := range hotword.Top(docs, opt) {
		fmt.Println(t.Text, t.Docs)
	}
	// Output:
	// 噪音扰民 3
	// 小区 3
	// 物业 2
}
