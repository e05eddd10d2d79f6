package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// rootLong is what `earshot help` says above the command list.
const rootLong = `Earshot records your voice and keeps your recordings, on this device and,
once you log in to an earshot-server, in the cloud.

The library lives in --data-dir, else $EARSHOT_DATA_DIR, else the user's data
folder. A recording is named by its id, or by any unique start of it (list
shows the short form). Flags may come before or after the arguments; -- ends
them (earshot rename ID -- -3 dB test).

earshot with no arguments opens the window.`

type topic struct{ name, summary, text string }

// topics are the pages of `earshot help TOPIC` that are not commands.
var topics []topic

// RegisterTopic adds a help page shown by `earshot help NAME` and listed
// under "Additional help topics".
func RegisterTopic(name, summary, text string) {
	topics = append(topics, topic{name, summary, text})
}

// helpCommand is `earshot help [COMMAND|TOPIC]`. cobra's own prints the
// overview and exits 0 for a name it does not know; this one says so and
// exits 2, like any other unknown command.
func helpCommand(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:     "help [COMMAND|TOPIC]",
		Short:   "describe a command (its flags and examples) or a topic such as exit-codes",
		Example: "  earshot help rename\n  earshot help cloud rm\n  earshot help exit-codes",
		RunE: func(_ *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				return Usagef("no command or topic %q; `earshot help` lists them", strings.Join(args, " "))
			}
			return runErrorOrNil(target.Help())
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			target, _, err := root.Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, c := range target.Commands() {
				if c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
					names = append(names, c.Name()+"\t"+c.Short)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
}

func runErrorOrNil(err error) error {
	if err != nil {
		return runError{err}
	}
	return nil
}
