// The commands write to Console.Out and Console.Error, which a test swaps for its own writers: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
