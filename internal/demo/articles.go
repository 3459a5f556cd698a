package demo

import (
	"context"
	"fmt"

	"github.com/hotline-dev/hotline/internal/kb"
)

// demoArticle is a published knowledge article (知识库) of the demo, written from real replies
// of government departments to citizens (../shared/data/replies.csv, ids given), so the agent
// desk's assist panel and the portal's FAQ have something true-sounding to show.
type demoArticle struct {
	source   string // replies.csv id
	title    string
	category string // CatPath key
	depts    []string
	keywords []string
	body     string
	answers  []string
	public   bool
}

var demoArticles = []demoArticle{
	{source: "40963", title: "社保卡遗失后如何挂失和补办", category: "劳动和社会保障/城镇职工社会保险/其他", depts: []string{"rsj"},
		keywords: []string{"社保卡", "补办", "挂失"}, public: true,
		body: "## 挂失与补卡\n\n1. 携带本人有效身份证件到**发卡银行营业网点**办理挂失，可即时申请补卡。\n" +
			"2. 挂失后不会自动解除。补卡前找回原卡的，需到原挂失网点办理金融功能解除挂失后才能继续使用；已办理补卡的，不能再解除挂失，需等待新卡。\n" +
			"3. 补（换）卡期间急需就医购药的，可携本人有效身份证件到市民中心社会保障卡服务窗口**免费申领临时社会保障卡**。\n\n" +
			"其他疑问可咨询所在区人社局或市社保卡服务中心。",
		answers: []string{
			"您好，社保卡遗失后请携带本人有效身份证件到发卡银行营业网点办理挂失，可当场申请补卡。补卡期间如需就医购药，可到市民中心社会保障卡服务窗口免费申领临时社会保障卡。",
			"您好，挂失后找回原卡的，需到原挂失的银行网点办理解除挂失后才能继续使用；如已申请补卡，则不能解除挂失，请等待新卡发放。",
		}},
	{source: "44203", title: "电动自行车上牌（正式号牌、临时号牌）办理流程", category: "政法/交通管理/机动车和驾驶员管理", depts: []string{"gaj"},
		keywords: []string{"电动车", "电动自行车", "上牌", "号牌"}, public: true,
		body: "依据《电动自行车登记规定》，符合国家强制标准、材料齐全有效的，登记并核发**正式号牌**，需提供：\n\n" +
			"- 所有人身份证明\n- 车辆销售发票等来历证明\n- 产品合格证\n- 国家强制 CCC 认证证书\n- 车辆整车照片（左后方 45 度角拍摄）\n\n" +
			"2019 年 4 月 15 日以前购买且不符合国家标准的电动自行车，可办理**临时号牌**（无需 CCC 证书）。\n\n" +
			"各区交警大队业务大厅和各交警中队均可办理，上牌免费。防盗牌照不属于电动自行车号牌。",
		answers: []string{
			"您好，电动自行车上牌免费，可到各区交警大队业务大厅或交警中队办理。请携带身份证明、购车发票、产品合格证、CCC 认证证书，并提供车辆左后方 45 度整车照片。",
			"您好，2019 年 4 月 15 日以前购买、不符合国家标准的电动自行车可以办理临时号牌，需身份证明、购车发票、产品合格证和整车照片。",
		}},
	{source: "35818", title: "男职工配偶无工作单位生育，可领一次性生育补助金", category: "劳动和社会保障/城镇职工社会保险/职工生育保险", depts: []string{"rsj"},
		keywords: []string{"生育险", "生育保险", "生育补助金"}, public: true,
		body: "用人单位男职工的配偶生育第一胎且**配偶无工作单位**的，从生育保险基金中支付一次性生育补助金，标准为统筹地区上年度平均生育医疗费用的 50%。\n\n" +
			"产后 6 个月至 1 年内由**单位统一办理**，申领期间不得停保。所需材料：\n\n" +
			"1. 生育证原件、复印件\n2. 女方无工作证明（村、居委会出具）\n3. 婴儿出生证原件、复印件\n4. 单位盖章的申请表 2 份\n5. 单位盖财务专用章的收据\n\n" +
			"参保职工在市本级正常连续缴费满 10 个月的次月起方可享受生育保险待遇。",
		answers: []string{
			"您好，男职工配偶无工作单位、生育第一胎的，可从生育保险基金领取一次性生育补助金，标准为上年度平均生育医疗费用的 50%，产后 6 个月至 1 年内由单位统一办理。",
		}},
	{source: "2557", title: "人才新政购房补贴：购买公寓能否申领", category: "城乡建设/住房保障与房地产/房屋补贴", depts: []string{"zjj"},
		keywords: []string{"购房补贴", "人才", "公寓"}, public: true,
		body: "按照《人才购房及购房补贴实施办法（试行）》第七条：新落户并在市域内工作的全日制博士、硕士毕业生（不含机关事业单位在编人员），" +
			"35 周岁以下（含），**首次购房**后可分别申请 6 万元、3 万元购房补贴。\n\n" +
			"“首次购房”指在限购区域内首次购买**商品住房（含住宅类公寓）**。购买商业性质公寓（非商品住房）的，不能申领购房补贴。\n\n" +
			"详情可咨询市房屋交易管理中心。",
		answers: []string{
			"您好，硕士、博士毕业生新落户后首次购买商品住房（含住宅类公寓）可申请 3 万元、6 万元购房补贴；购买商业性质的公寓不属于商品住房，不能申领。",
		}},
	{source: "2549", title: "小区停车收费标准由谁定、如何表决", category: "城乡建设/住房保障与房地产/物业服务", depts: []string{"zjj"},
		keywords: []string{"停车", "停车费", "业委会", "物业"}, public: false,
		body: "小区内停车收费方案属业主共同决定事项，应由**业主大会**依法表决：经专有部分面积和人数均过三分之二的业主参与、过半数同意。" +
			"业委会应公开收费方案并收集、反馈业主意见，收费标准一般不高于周边同类小区。\n\n" +
			"业主对表决程序有异议的，可向所在街道办事处和区住房和城乡建设局反映，由街道牵头组织社区、物业公司、业委会和业主代表协调，" +
			"要求业委会依法依规召开业主大会，按表决结果执行。",
		answers: []string{
			"您好，小区停车收费方案应由业主大会依法表决决定，收费标准一般不高于周边同类小区。如对表决程序有异议，可向所在街道办事处或区住建局反映，由街道牵头协调。",
			"您好，您反映的物业公司去留和停车收费问题，属于业主大会决定事项，我们将转所在街道和区住建局核实，督促业委会依法依规召开业主大会。",
		}},
}

// articles writes the demo's knowledge base: written by the agent, approved by the dispatcher.
func (l *loader) articles(ctx context.Context) (int, error) {
	k := &kb.Articles{Store: l.st}
	writer, reviewer := l.principals["agent"], l.principals["dispatcher"]
	for _, d := range demoArticles {
		cat, ok := l.org.CatPath[d.category]
		if !ok {
			return 0, fmt.Errorf("demo article %s: no category %s", d.source, d.category)
		}
		var depts []string
		for _, code := range d.depts {
			depts = append(depts, l.org.Depts[code].ID)
		}
		a, err := k.Create(ctx, writer, kb.ArticleInput{Title: d.title, Body: d.body, CategoryID: cat, Keywords: d.keywords,
			Answers: d.answers, Departments: depts, Public: d.public})
		if err != nil {
			return 0, fmt.Errorf("demo article %s: %w", d.source, err)
		}
		if _, err := k.Submit(ctx, writer, a.ID); err != nil {
			return 0, err
		}
		if _, err := k.Approve(ctx, reviewer, a.ID, "demo"); err != nil {
			return 0, err
		}
	}
	return len(demoArticles), nil
}
