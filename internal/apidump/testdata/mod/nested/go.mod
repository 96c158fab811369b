module example.com/m/nested

go 1.26
