package apidump

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"go/types"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// decl is one line (or block, for struct and interface types) of the dump,
// with the name it sorts by.
type decl struct {
	name string
	text string
}

// api gathers the exported declarations of one package by kind.
type api struct {
	consts, vars, funcs, types []decl
	methods                    map[string][]decl // by receiver type name
}

// Dump returns the exported API of the package in dir (relative to the
// module root root) under the import path modulePath/dir.
func Dump(root, modulePath, dir string) (string, error) {
	abs := filepath.Join(root, filepath.FromSlash(dir))
	bp, err := buildContext().ImportDir(abs, 0)
	if err != nil {
		return "", fmt.Errorf("apidump: %s: %w", dir, err)
	}
	fset := token.NewFileSet()
	a := &api{methods: map[string][]decl{}}
	files := append([]string(nil), bp.GoFiles...)
	sort.Strings(files)
	for _, name := range files {
		f, err := parser.ParseFile(fset, filepath.Join(abs, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return "", fmt.Errorf("apidump: %w", err)
		}
		for _, d := range f.Decls {
			a.add(d)
		}
	}
	importPath := modulePath
	if dir != "." {
		importPath = path.Join(modulePath, dir)
	}
	return a.render(bp.Name, importPath), nil
}

func (a *api) add(d ast.Decl) {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() {
			return
		}
		fn := &ast.FuncDecl{Name: d.Name, Type: d.Type}
		if d.Recv == nil {
			a.funcs = append(a.funcs, decl{d.Name.Name, source(fn)})
			return
		}
		recv := d.Recv.List[0].Type
		base := receiverBase(recv)
		if !ast.IsExported(base) {
			return
		}
		// Receiver names are not API; keep the receiver's type only.
		fn.Recv = &ast.FieldList{List: []*ast.Field{{Type: recv}}}
		a.methods[base] = append(a.methods[base], decl{d.Name.Name, source(fn)})
	case *ast.GenDecl:
		a.addGen(d)
	}
}

func (a *api) addGen(d *ast.GenDecl) {
	// In a const group a spec without type and values repeats the previous
	// ones. The lines are sorted by name, so each says its type and, with
	// iota replaced by the spec's index, its value.
	var lastType ast.Expr
	var lastValues []ast.Expr
	for index, s := range d.Specs {
		switch s := s.(type) {
		case *ast.ValueSpec:
			typ, values := s.Type, s.Values
			if d.Tok == token.CONST {
				if s.Type == nil && len(s.Values) == 0 {
					typ, values = lastType, lastValues
				}
				lastType, lastValues = typ, values
			}
			for i, n := range s.Names {
				if !n.IsExported() {
					continue
				}
				one := &ast.ValueSpec{Names: []*ast.Ident{n}, Type: typ}
				if len(values) == len(s.Names) {
					one.Values = []ast.Expr{values[i]}
					if d.Tok == token.CONST {
						one.Values[0] = withIota(values[i], index)
					}
				}
				text := source(&ast.GenDecl{Tok: d.Tok, Specs: []ast.Spec{one}})
				if d.Tok == token.CONST {
					a.consts = append(a.consts, decl{n.Name, text})
				} else {
					a.vars = append(a.vars, decl{n.Name, text})
				}
			}
		case *ast.TypeSpec:
			if !s.Name.IsExported() {
				continue
			}
			ts := &ast.TypeSpec{Name: s.Name, TypeParams: s.TypeParams, Assign: s.Assign, Type: exportedOnly(s.Type)}
			a.types = append(a.types, decl{s.Name.Name, source(&ast.GenDecl{Tok: token.TYPE, Specs: []ast.Spec{ts}})})
		}
	}
}

// iotaWord matches the predeclared iota in a printed constant expression.
var iotaWord = regexp.MustCompile(`\biota\b`)

// withIota returns e with iota replaced by index, evaluated when it can be.
func withIota(e ast.Expr, index int) ast.Expr {
	uses := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == "iota" {
			uses = true
		}
		return !uses
	})
	if !uses {
		return e
	}
	text := iotaWord.ReplaceAllString(source(e), strconv.Itoa(index))
	// An expression of literals only (iota + 1) has a value to show; one
	// that names other constants keeps its text.
	if tv, err := types.Eval(token.NewFileSet(), nil, token.NoPos, text); err == nil && tv.Value != nil {
		text = tv.Value.ExactString()
	}
	return ast.NewIdent(text)
}

// exportedOnly returns t with the unexported fields of a struct and the
// unexported methods of an interface replaced by a comment-like marker.
func exportedOnly(t ast.Expr) ast.Expr {
	switch t := t.(type) {
	case *ast.StructType:
		fields, hidden := filterFields(t.Fields.List, true)
		if hidden {
			fields = append(fields, marker("has unexported fields"))
		}
		return &ast.StructType{Fields: &ast.FieldList{List: fields}}
	case *ast.InterfaceType:
		fields, hidden := filterFields(t.Methods.List, false)
		if hidden {
			fields = append(fields, marker("has unexported methods"))
		}
		return &ast.InterfaceType{Methods: &ast.FieldList{List: fields}}
	}
	return t
}

// filterFields keeps the exported members of a field list, without their
// comments; embedded members count as
// exported when their type name is. It reports whether it dropped any.
func filterFields(list []*ast.Field, isStruct bool) ([]*ast.Field, bool) {
	var out []*ast.Field
	hidden := false
	for _, f := range list {
		if len(f.Names) == 0 {
			if !isStruct || ast.IsExported(receiverBase(f.Type)) {
				out = append(out, &ast.Field{Type: f.Type, Tag: f.Tag})
			} else {
				hidden = true
			}
			continue
		}
		var names []*ast.Ident
		for _, n := range f.Names {
			if n.IsExported() {
				names = append(names, n)
			} else {
				hidden = true
			}
		}
		if len(names) > 0 {
			out = append(out, &ast.Field{Names: names, Type: f.Type, Tag: f.Tag})
		}
	}
	return out, hidden
}

// marker is an embedded member whose "type" prints as a line comment, as
// go doc writes "// Has unexported fields.".
func marker(note string) *ast.Field {
	return &ast.Field{Type: ast.NewIdent("// " + note)}
}

// receiverBase names the type a receiver or embedded field refers to:
// T for T, *T, T[K] and pkg.T.
func receiverBase(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.SelectorExpr:
			return t.Sel.Name
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// source renders n without comments and without its source layout: with an
// empty FileSet every position is unknown, so the printer puts a signature
// on one line and each field of a struct on its own.
func source(n ast.Node) string {
	var buf bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&buf, token.NewFileSet(), n); err != nil {
		// The nodes come from a parsed file; printing them cannot fail
		// short of a bug here. Show it in the output rather than hide it.
		return fmt.Sprintf("<apidump: %v>", err)
	}
	return buf.String()
}

func (a *api) render(name, importPath string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s // import %q\n", name, importPath)
	section := func(ds []decl) {
		sortDecls(ds)
		if len(ds) == 0 {
			return
		}
		b.WriteString("\n")
		for _, d := range ds {
			b.WriteString(d.text)
			b.WriteString("\n")
		}
	}
	section(a.consts)
	section(a.vars)
	section(a.funcs)
	sortDecls(a.types)
	for _, t := range a.types {
		b.WriteString("\n")
		b.WriteString(t.text)
		b.WriteString("\n")
		ms := a.methods[t.name]
		sortDecls(ms)
		for _, m := range ms {
			b.WriteString(m.text)
			b.WriteString("\n")
		}
	}
	return b.String()
}

func sortDecls(ds []decl) {
	sort.SliceStable(ds, func(i, j int) bool {
		if ds[i].name != ds[j].name {
			return ds[i].name < ds[j].name
		}
		return ds[i].text < ds[j].text
	})
}
