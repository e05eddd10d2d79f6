package cli

import (
	"strings"

	"github.com/spf13/cobra"
	flag "github.com/spf13/pflag"
)

// CommandInfo is what the conventions test needs to know of one command.
type CommandInfo struct {
	Path  []string // the words after `earshot`: ["cloud", "rm"]
	Args  string   // the synopsis of the arguments: "ID TITLE"
	Flags []string // the command's own flags, without help
}

// Commands walks the command tree the binary builds, so the conventions
// test covers every command anyone registers.
func Commands() []CommandInfo {
	root := (&Env{}).rootCommand()
	root.InitDefaultHelpCmd()
	var out []CommandInfo
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			if sub.IsAdditionalHelpTopicCommand() {
				continue
			}
			p := append(append([]string{}, path...), sub.Name())
			info := CommandInfo{Path: p}
			if reg := commands[strings.Join(p, " ")]; reg != nil {
				info.Args = reg.Args
			}
			sub.LocalNonPersistentFlags().VisitAll(func(f *flag.Flag) {
				if f.Name != "help" {
					info.Flags = append(info.Flags, f.Name)
				}
			})
			out = append(out, info)
			walk(sub, p)
		}
	}
	walk(root, nil)
	return out
}
