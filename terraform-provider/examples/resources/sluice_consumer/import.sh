# A consumer is imported by its id (or its name).
terraform import sluice_consumer.paid_orders con_01jbz6x6k8v3m2q4r5s6t7v8w9
