package library

import (
	"context"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/audio/enhance"
)

// ExportEnhanced is Export of an enhanced copy ("Export enhanced"): noise
// suppressed and brought to enhance.TargetLUFS (see enhance.File). The
// stored recording is never changed.
func (l *Library) ExportEnhanced(ctx context.Context, id, dst string, progress Progress) (string, error) {
	return l.export(ctx, id, dst, func(_ Recording, src, tmp string, format audio.Format) error {
		_, err := enhance.File(ctx, src, tmp, format, progress)
		return err
	})
}
