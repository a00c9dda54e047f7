# An HTTP endpoint is imported by its id (or its name). Secret headers and the
# signing secret are not returned by the API: the next apply sets them from
# the configuration. Without a signing_secret in the configuration, the
# imported endpoint keeps its secret and signing_secret stays null in state;
# set one to rotate to a secret Terraform knows.
terraform import sluice_http_endpoint.fulfilment end_01jbz6x6k8v3m2q4r5s6t7v8w9
