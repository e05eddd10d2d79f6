package cli

import (
	"context"
	"errors"
	"fmt"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/audio/device"
)

func init() {
	var asJSON bool
	Register(&Command{
		Name: "devices",
		Examples: `earshot devices
			earshot devices --json`,
		Summary: "list the microphones Earshot can record from",
		Flags:   func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print a JSON array") },
		Run: func(ctx context.Context, e *Env, _ []string) error {
			devs, err := device.Devices(ctx, "")
			if err != nil {
				return err
			}
			if asJSON {
				type dev struct {
					Name    string `json:"name"`
					ID      string `json:"id"`
					Default bool   `json:"default"`
				}
				out := []dev{}
				for _, d := range devs {
					out = append(out, dev{d.Name, d.ID, d.Default})
				}
				return e.PrintJSON(out)
			}
			if len(devs) == 0 {
				if !device.SoundServerRunning() {
					return errors.New("no sound server is running (PulseAudio or PipeWire) and no sound card can record: start one (systemctl --user start pipewire-pulse, or pulseaudio --start) or connect a microphone")
				}
				return errors.New("no microphone found: connect one, or check that it is not muted or disabled in the sound settings")
			}
			for _, d := range devs {
				mark := " "
				if d.Default {
					mark = "*"
				}
				fmt.Fprintf(e.Stdout, "%s %s  (%s)\n", mark, d.Name, d.ID)
			}
			return nil
		},
	})
}
