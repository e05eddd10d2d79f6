package sync

import (
	"context"
	"net/http"

	"github.com/earshot/earshot/api"
)

// ChangePassword sets a new password (POST /v1/account/password), proven
// by the current password or by a reset code from the server's owner.
func (c *Client) ChangePassword(ctx context.Context, ch api.PasswordChange) error {
	resp, err := c.do(ctx, request{op: "change password", method: http.MethodPost, path: "/v1/account/password",
		header: jsonHeader(), body: jsonBody(ch)})
	if err != nil {
		return err
	}
	drain(resp)
	return nil
}
