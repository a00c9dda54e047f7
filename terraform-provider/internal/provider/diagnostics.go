package provider

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// addAPIError reports err as an error diagnostic. When the API's problem
// names the request field at fault, and that field is an attribute of the
// resource (the provider keeps the API's field names), the diagnostic is
// attached to that attribute so Terraform points at the line in the
// configuration.
func addAPIError(diags *diag.Diagnostics, summary string, err error, attributes map[string]schema.Attribute) {
	var apiErr *apiError
	if !errors.As(err, &apiErr) || apiErr.Problem == nil {
		diags.AddError(summary, err.Error())
		return
	}
	problem := apiErr.Problem
	detail := err.Error()
	added := false
	if problem.Errors != nil {
		for _, fieldError := range *problem.Errors {
			if attributePath, ok := fieldPath(fieldError.Field, attributes); ok {
				diags.AddAttributeError(attributePath, summary, fmt.Sprintf("%s: %s", fieldError.Field, fieldError.Message))
				added = true
			}
		}
	}
	if added {
		return
	}
	if problem.Field != nil {
		if attributePath, ok := fieldPath(*problem.Field, attributes); ok {
			diags.AddAttributeError(attributePath, summary, detail)
			return
		}
		detail += fmt.Sprintf(" (field %s)", *problem.Field)
	}
	if problem.Errors != nil {
		for _, fieldError := range *problem.Errors {
			detail += fmt.Sprintf("\n- %s: %s", fieldError.Field, fieldError.Message)
		}
	}
	if problem.Checks != nil {
		for _, check := range *problem.Checks {
			detail += fmt.Sprintf("\n- check %s %s: %s", check.Name, check.Status, check.Message)
		}
	}
	diags.AddError(summary, detail)
}

// fieldPath turns the API's name for a request field ("tables[0].table",
// "$.tables[0].table" or the JSON pointer "/tables/0/table") into the path of
// the matching attribute. Inside a set it stops at the set; it fails when the
// field is not an attribute of the resource.
func fieldPath(field string, attributes map[string]schema.Attribute) (path.Path, bool) {
	steps := fieldSteps(field)
	if len(steps) == 0 {
		return path.Empty(), false
	}
	attribute, ok := attributes[steps[0]]
	if !ok {
		return path.Empty(), false
	}
	result := path.Root(steps[0])
	rest := steps[1:]
	for len(rest) > 0 {
		switch typed := attribute.(type) {
		case schema.ListNestedAttribute:
			index, err := strconv.Atoi(rest[0])
			if err != nil {
				return result, true
			}
			result = result.AtListIndex(index)
			rest = rest[1:]
			if len(rest) == 0 {
				return result, true
			}
			next, ok := typed.NestedObject.Attributes[rest[0]]
			if !ok {
				return result, true
			}
			result = result.AtName(rest[0])
			attribute = next
			rest = rest[1:]
		case schema.SingleNestedAttribute:
			next, ok := typed.Attributes[rest[0]]
			if !ok {
				return result, true
			}
			result = result.AtName(rest[0])
			attribute = next
			rest = rest[1:]
		case schema.ListAttribute:
			index, err := strconv.Atoi(rest[0])
			if err != nil {
				return result, true
			}
			return result.AtListIndex(index), true
		case schema.MapAttribute:
			return result.AtMapKey(strings.Join(rest, ".")), true
		default:
			// Sets (no index to point at) and primitives: the attribute is
			// as close as Terraform can show.
			return result, true
		}
	}
	return result, true
}

// fieldSteps splits a field name into attribute names and list indexes.
func fieldSteps(field string) []string {
	field = strings.TrimSpace(field)
	field = strings.TrimPrefix(field, "#")
	if strings.HasPrefix(field, "/") {
		var steps []string
		for _, segment := range strings.Split(strings.TrimPrefix(field, "/"), "/") {
			segment = strings.ReplaceAll(strings.ReplaceAll(segment, "~1", "/"), "~0", "~")
			if segment != "" {
				steps = append(steps, segment)
			}
		}
		return steps
	}
	field = strings.TrimPrefix(strings.TrimPrefix(field, "$"), ".")
	var steps []string
	for _, part := range strings.Split(field, ".") {
		for part != "" {
			open := strings.IndexByte(part, '[')
			if open < 0 {
				steps = append(steps, part)
				break
			}
			if open > 0 {
				steps = append(steps, part[:open])
			}
			closing := strings.IndexByte(part[open:], ']')
			if closing < 0 {
				steps = append(steps, part[open+1:])
				break
			}
			steps = append(steps, strings.Trim(part[open+1:open+closing], `"'`))
			part = part[open+closing+1:]
		}
	}
	return steps
}
