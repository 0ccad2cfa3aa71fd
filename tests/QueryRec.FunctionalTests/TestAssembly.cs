// WebApplicationFactory finds the host that Program builds through a process-wide DiagnosticListener, so two
// factories starting at the same time can pick up each other's host (seen in CI as an ObjectDisposedException in
// a startup-validation test). The functional tests therefore run one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
