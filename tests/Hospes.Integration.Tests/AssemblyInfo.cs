// Guests under TCG take one core each while they boot and little after: two test classes at a time keep both
// cores busy (the whole run takes about half as long) without starving a guest. Classes that measure the host
// or time a guest run alone (HospesTests.Exclusive).
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 2)]
