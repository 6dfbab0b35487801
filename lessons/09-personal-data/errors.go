package personaldata

import "errors"

// ErrEmailTaken means another student registered with the address.
var ErrEmailTaken = errors.New("the email address is taken")
