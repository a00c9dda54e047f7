package provider

import "testing"

func TestAccZzzTemporaryFailure(t *testing.T) { testAccPreCheck(t); t.Fatal("on purpose") }
