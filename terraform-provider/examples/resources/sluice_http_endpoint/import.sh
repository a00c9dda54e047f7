# An HTTP endpoint is imported by its id (or its name). Secret headers and the
# signing secret are not returned by the API: the next apply sets them from
# the configuration.
terraform import sluice_http_endpoint.fulfilment end_01jbz6x6k8v3m2q4r5s6t7v8w9
