# A source is imported by its id (or its name). The password is not returned
# by the API: the next apply sets it from the configuration.
terraform import sluice_source.shop src_01jbz6x6k8v3m2q4r5s6t7v8w9
