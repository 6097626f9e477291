package yamlstore

// FileName is the name of the file in a config directory. Which directory
// is the machine model's to say (package machine): it depends on the
// program installed.
const FileName = "remote.yaml"
