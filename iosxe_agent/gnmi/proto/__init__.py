"""Messages of the gNMI specification, generated from gnmi.proto / gnmi_ext.proto by tools/gen-gnmi-proto."""
