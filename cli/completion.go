package cli

import (
	"context"
	"fmt"
)

func init() {
	Register(&Command{
		Name: "completion", Args: "bash|zsh|fish", MinArgs: 1, MaxArgs: 1,
		Summary: "print the shell completion script (commands, flags, and recording ids with their titles)",
		Long: `Load it in the shell's start-up file:
  bash  ~/.bashrc:                    source <(earshot completion bash)
  zsh   ~/.zshrc:                     source <(earshot completion zsh)
  fish  ~/.config/fish/config.fish:   earshot completion fish | source`,
		Examples: `earshot completion bash > /etc/bash_completion.d/earshot
			earshot completion fish > ~/.config/fish/completions/earshot.fish`,
		Run: func(_ context.Context, e *Env, args []string) error {
			root := e.root
			var err error
			switch args[0] {
			case "bash":
				err = root.GenBashCompletionV2(e.Stdout, true)
			case "zsh":
				err = root.GenZshCompletion(e.Stdout)
			case "fish":
				err = root.GenFishCompletion(e.Stdout, true)
			default:
				return Usagef("no completion for %q: choose bash, zsh or fish", args[0])
			}
			if err != nil {
				return fmt.Errorf("write the completion script: %w", err)
			}
			return nil
		},
	})
}
