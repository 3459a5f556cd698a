package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/hotline-dev/hotline/internal/importer"
	"github.com/hotline-dev/hotline/internal/ticket"
)

const importHelp = `Usage: hotline import <what> [flags]

What:
  tickets   historical tickets from a CSV file

Run 'hotline import tickets --help' for its flags.
`

func runImport(ctx context.Context, e *env, args []string) error {
	return sub(ctx, e, "import", args, map[string]func(context.Context, *env, []string) error{
		"tickets": runImportTickets,
	}, importHelp)
}

func runImportTickets(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("import tickets", "import tickets --csv FILE [--channel import] [flags]", `
Import historical tickets from a former system's CSV export (UTF-8 with or without BOM;
a file that is not UTF-8, as Excel saves CSV in a Chinese locale, is read as GB18030).
Columns are found by their header, in English or Chinese: id/编号, subject/标题/主题,
time/时间/留言时间, text/内容/描述, category/分类/一级分类 (a path a/b/c or one name),
department/部门 (name or code), reply/答复, reply_time/答复时间, phone/电话, name/姓名,
address/地址, region/区域, type/受理类型, urgency/紧急程度. Times such as 2017/9/12 16:47:13
are read as Asia/Shanghai and kept as the ticket's creation time (its number uses that day).

Categories are matched by path or unique name against the tree; others are created under
the top-level category 导入. Rows with a reply become closed tickets (register → reply →
close); rows without become registered tickets. The original id is kept in the custom field
source_id. Each row is stored in its own transaction: a rejected row is reported with its
line number and reason, and the import goes on. Rows whose id was imported before on the
same channel are skipped, so a file can be imported again after an interruption.`)
	var d dbFlags
	d.register(fs)
	file := fs.String("csv", "", "CSV file to import (- for standard input)")
	channel := fs.String("channel", string(ticket.ChannelImport), "channel recorded on the imported tickets")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *file == "" {
		return usagef("--csv is required")
	}
	known := false
	for _, c := range ticket.Channels {
		known = known || string(c) == *channel
	}
	if !known {
		return usagef("--channel %q: unknown channel", *channel)
	}
	in := os.Stdin
	if *file != "-" {
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := importer.Tickets(ctx, st, in, importer.Options{Channel: ticket.Channel(*channel), Actor: cliActor, Progress: e.stderr})
	if sum != nil {
		for _, r := range sum.Rejects {
			fmt.Fprintf(e.stderr, "line %d: %s\n", r.Line, r.Reason)
		}
		if sum.Rejected > len(sum.Rejects) {
			fmt.Fprintf(e.stderr, "… and %d more rejected rows\n", sum.Rejected-len(sum.Rejects))
		}
		fmt.Fprintf(e.stdout, "imported %d, rejected %d (%d closed with their reply; %.0f rows/s)\n",
			sum.Imported, sum.Rejected, sum.Closed, sum.RowsPerSec)
		if sum.Skipped > 0 {
			fmt.Fprintf(e.stdout, "  skipped %d rows whose id was imported before\n", sum.Skipped)
		}
		if sum.Encoding != "" {
			fmt.Fprintf(e.stdout, "  the file is not UTF-8: read as %s\n", sum.Encoding)
		}
		for _, k := range sortedKeys(sum.Reasons) {
			fmt.Fprintf(e.stdout, "  rejected for %s: %d\n", k, sum.Reasons[k])
		}
		if sum.NewCats > 0 {
			fmt.Fprintf(e.stdout, "  %d categories created under %s\n", sum.NewCats, importer.ImportCategory)
		}
		for _, k := range sortedKeys(sum.Unmatched) {
			fmt.Fprintf(e.stdout, "  department %q matched no department (%d rows; kept as source_department)\n", k, sum.Unmatched[k])
		}
	}
	if err != nil {
		return err
	}
	if sum.Imported == 0 && sum.Rejected > 0 {
		return fmt.Errorf("no row imported")
	}
	return nil
}
