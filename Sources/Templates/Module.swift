// \(t) — filled in below.
