package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
)

// The demo city is A市, as the source data anonymises it, laid out as rectangles around a
// plausible centre (a mid-sized city on the Xiang river) so point-in-region lookups work:
// five districts side by side, each cut into three streets (街道) north to south, each street
// into three communities (社区) west to east.
const (
	cityWest, cityEast   = 112.80, 113.10
	citySouth, cityNorth = 28.10, 28.34
)

var districts = []struct {
	code, name string
	streets    [3]string
}{
	{"A1", "A1区", [3]string{"东塘街道", "侯家塘街道", "左家塘街道"}},
	{"A2", "A2区", [3]string{"桂花坪街道", "城南路街道", "坡子街街道"}},
	{"A3", "A3区", [3]string{"岳麓街道", "望月湖街道", "观沙岭街道"}},
	{"A4", "A4区", [3]string{"湘湖街道", "马王堆街道", "东屯渡街道"}},
	{"A5", "A5区", [3]string{"伍家岭街道", "望麓园街道", "捞刀河街道"}},
}

var communityNames = [3]string{"和平社区", "新华社区", "枫林社区"}

// Departments of the demo city. Codes are what CLI flags (--dept) and imports refer to.
var bureaus = []struct {
	code, name string
	kind       org.DepartmentKind
	phone      string
}{
	{"rxzx", "热线中心", org.KindCentre, "12345"},
	{"cgj", "市城管局", org.KindBureau, "0731-81110001"},
	{"zjj", "市住建局", org.KindBureau, "0731-81110002"},
	{"sthjj", "市生态环境局", org.KindBureau, "0731-81110003"},
	{"jtj", "市交通运输局", org.KindBureau, "0731-81110004"},
	{"scjgj", "市市场监管局", org.KindBureau, "12315"},
	{"rsj", "市人社局", org.KindBureau, "12333"},
	{"jyj", "市教育局", org.KindBureau, "0731-81110007"},
	{"wjw", "市卫健委", org.KindBureau, "0731-81110008"},
	{"gaj", "市公安局", org.KindBureau, "0731-81110009"},
	{"mzj", "市民政局", org.KindBureau, "0731-81110010"},
	{"zrzyj", "市自然资源和规划局", org.KindBureau, "0731-81110011"},
	{"nyncj", "市农业农村局", org.KindBureau, "0731-81110012"},
	{"fgw", "市发展改革委", org.KindBureau, "0731-81110013"},
	{"gxj", "市工业和信息化局", org.KindBureau, "0731-81110014"},
	{"zwfwj", "市政务服务局", org.KindBureau, "0731-81110015"},
	{"jw", "市纪委监委", org.KindBureau, "12388"},
	{"swjt", "市水务集团", org.KindCompany, "0731-96565"},
	{"gdgs", "国网A市供电公司", org.KindCompany, "95598"},
	{"rqgs", "市燃气公司", org.KindCompany, "0731-96500"},
}

// topDepartment maps the category tree's subjects to the unit that usually handles them.
var topDepartment = map[string]string{
	"城乡建设": "zjj", "党务政务": "zwfwj", "国土资源": "zrzyj", "环境保护": "sthjj", "纪检监察": "jw",
	"交通运输": "jtj", "经济管理": "fgw", "科技与信息产业": "gxj", "民政": "mzj", "农村农业": "nyncj",
	"商贸旅游": "scjgj", "卫生计生": "wjw", "政法": "gaj", "教育文体": "jyj", "劳动和社会保障": "rsj",
}

// subDepartment overrides topDepartment below a subject ("subject/second" or "subject/second/third").
var subDepartment = map[string]string{
	"城乡建设/城市建设和市政管理":       "cgj",
	"城乡建设/城市建设和市政管理/燃气供应":  "rqgs",
	"城乡建设/城市建设和市政管理/电力供应":  "gdgs",
	"城乡建设/城市建设和市政管理/自来水供应": "swjt",
	"城乡建设/城市建设和市政管理/公共汽车":  "jtj",
	"城乡建设/城市建设和市政管理/地铁城铁":  "jtj",
	"城乡建设/城市建设和市政管理/小区管理":  "zjj",
	"城乡建设/安全生产":            "fgw",
	"农村农业/水利水电":            "swjt",
	"政法/交通管理":              "gaj",
}

// Org is the demo organisation as loaded: lookups by code and name for the rest of the demo.
type Org struct {
	Depts      map[string]*org.Department // by code
	Regions    []org.Region
	Districts  []*org.Region            // A1区…A5区
	Streets    map[string][]*org.Region // district code → its streets
	Communites map[string][]*org.Region // street code → its communities
	Categories []org.Category
	CatPath    map[string]string // "城乡建设/市容环卫/占道经营" → id
	// StreetDept maps a street region code to its street office (街道办事处).
	StreetDept map[string]*org.Department
	// DistrictDept maps a district region code to its district government.
	DistrictDept map[string]*org.Department
}

func rect(w, s, e, n float64) []byte {
	return fmt.Appendf(nil, `{"type":"Polygon","coordinates":[[[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}`,
		w, s, e, s, e, n, w, n, w, s)
}

// LoadOrganisation writes the demo city's regions, departments and category tree.
func LoadOrganisation(ctx context.Context, st *store.Store) (*Org, error) {
	o := &Org{Depts: map[string]*org.Department{}, Streets: map[string][]*org.Region{},
		Communites: map[string][]*org.Region{}, CatPath: map[string]string{},
		StreetDept: map[string]*org.Department{}, DistrictDept: map[string]*org.Department{}}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		city := &org.Region{Code: "A", Name: "A市", Level: org.LevelCity, Boundary: rect(cityWest, citySouth, cityEast, cityNorth)}
		if err := tx.SaveRegion(ctx, city); err != nil {
			return err
		}
		o.Regions = append(o.Regions, *city)
		for _, b := range bureaus {
			d := &org.Department{Code: b.code, Name: b.name, Kind: b.kind, Phone: b.phone}
			if err := tx.SaveDepartment(ctx, d); err != nil {
				return err
			}
			o.Depts[d.Code] = d
		}
		width := (cityEast - cityWest) / float64(len(districts))
		height := (cityNorth - citySouth) / 3
		for i, dd := range districts {
			w := cityWest + float64(i)*width
			dr := &org.Region{Code: dd.code, Name: dd.name, ParentID: city.ID, Level: org.LevelDistrict,
				Boundary: rect(w, citySouth, w+width, cityNorth)}
			if err := tx.SaveRegion(ctx, dr); err != nil {
				return err
			}
			o.Regions = append(o.Regions, *dr)
			o.Districts = append(o.Districts, dr)
			gov := &org.Department{Code: strings.ToLower(dd.code) + "qzf", Name: dd.name + "人民政府", Kind: org.KindDistrict}
			if err := tx.SaveDepartment(ctx, gov); err != nil {
				return err
			}
			o.Depts[gov.Code], o.DistrictDept[dr.Code] = gov, gov
			for j, sname := range dd.streets {
				n := cityNorth - float64(j)*height
				sr := &org.Region{Code: fmt.Sprintf("%s-%02d", dd.code, j+1), Name: sname, ParentID: dr.ID,
					Level: org.LevelStreet, Boundary: rect(w, n-height, w+width, n)}
				if err := tx.SaveRegion(ctx, sr); err != nil {
					return err
				}
				o.Regions = append(o.Regions, *sr)
				o.Streets[dr.Code] = append(o.Streets[dr.Code], sr)
				office := &org.Department{Code: strings.ToLower(sr.Code), Name: dd.name + sname + "办事处",
					ParentID: gov.ID, Kind: org.KindStreet}
				if err := tx.SaveDepartment(ctx, office); err != nil {
					return err
				}
				o.Depts[office.Code], o.StreetDept[sr.Code] = office, office
				cw := width / 3
				for k, cname := range communityNames {
					cr := &org.Region{Code: fmt.Sprintf("%s-%02d", sr.Code, k+1), Name: strings.TrimSuffix(sname, "街道") + cname,
						ParentID: sr.ID, Level: org.LevelCommunity, Boundary: rect(w+float64(k)*cw, n-height, w+float64(k+1)*cw, n)}
					if err := tx.SaveRegion(ctx, cr); err != nil {
						return err
					}
					o.Regions = append(o.Regions, *cr)
					o.Communites[sr.Code] = append(o.Communites[sr.Code], cr)
				}
			}
		}
		return o.loadCategories(ctx, tx)
	})
	if err != nil {
		return nil, fmt.Errorf("demo organisation: %w", err)
	}
	return o, nil
}

func (o *Org) loadCategories(ctx context.Context, tx *store.Tx) error {
	rows, err := csv.NewReader(bytes.NewReader(categoryTree)).ReadAll()
	if err != nil {
		return fmt.Errorf("category tree: %w", err)
	}
	for _, row := range rows[1:] {
		parent := ""
		var path []string
		for level, name := range row {
			name = strings.TrimSpace(name)
			if name == "" {
				break
			}
			path = append(path, name)
			key := strings.Join(path, "/")
			if id, ok := o.CatPath[key]; ok {
				parent = id
				continue
			}
			c := &org.Category{Name: name, ParentID: parent, Level: level + 1, DepartmentID: o.departmentFor(path)}
			if err := tx.SaveCategory(ctx, c); err != nil {
				return err
			}
			o.CatPath[key], parent = c.ID, c.ID
			o.Categories = append(o.Categories, *c)
		}
	}
	return nil
}

// departmentFor returns the id of the unit a category's tickets usually go to: the most
// specific override along its path, else its subject's bureau.
func (o *Org) departmentFor(path []string) string {
	code := topDepartment[path[0]]
	for i := 2; i <= len(path); i++ {
		if c, ok := subDepartment[strings.Join(path[:i], "/")]; ok {
			code = c
		}
	}
	if d, ok := o.Depts[code]; ok {
		return d.ID
	}
	return ""
}
