package q

// Zero is in a file that sorts last in the package but first in the dump.
func Zero() {}
