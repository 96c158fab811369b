package e

func Hidden() {}
