// Command funclen prints the longest functions of the Go files below the
// given folders (default "."), as "lines file:line name", longest first:
// one of the code-health figures (scripts/codehealth.sh).
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type fn struct {
	lines int
	where string
	name  string
}

func main() {
	top := flag.Int("top", 20, "how many functions to print")
	flag.Parse()
	roots := flag.Args()
	if len(roots) == 0 {
		roots = []string{"."}
	}
	var all []fn
	fset := token.NewFileSet()
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return fmt.Errorf("parse %s: %w", path, err)
			}
			for _, decl := range f.Decls {
				if d, ok := decl.(*ast.FuncDecl); ok {
					all = append(all, measure(fset, path, d))
				}
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "funclen:", err)
			os.Exit(1)
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].lines > all[j].lines })
	for i := 0; i < len(all) && i < *top; i++ {
		fmt.Printf("%4d %s %s\n", all[i].lines, all[i].where, all[i].name)
	}
}

func measure(fset *token.FileSet, path string, d *ast.FuncDecl) fn {
	start, end := fset.Position(d.Pos()), fset.Position(d.End())
	name := d.Name.Name
	if d.Recv != nil && len(d.Recv.List) > 0 {
		t := d.Recv.List[0].Type
		if s, ok := t.(*ast.StarExpr); ok {
			t = s.X
		}
		if g, ok := t.(*ast.IndexExpr); ok {
			t = g.X
		}
		if id, ok := t.(*ast.Ident); ok {
			name = id.Name + "." + name
		}
	}
	return fn{lines: end.Line - start.Line + 1, where: fmt.Sprintf("%s:%d", path, start.Line), name: name}
}
