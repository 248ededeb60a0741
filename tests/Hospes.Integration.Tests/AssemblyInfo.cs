// Guests under TCG share two cores: one test at a time keeps boots comparable and timeouts honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
