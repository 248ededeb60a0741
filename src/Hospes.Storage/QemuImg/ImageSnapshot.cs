namespace Hospes.Storage.QemuImg;

/// <summary>An internal snapshot of a qcow2 image.</summary>
public sealed record ImageSnapshot(string Id, string Name, long VmStateSize, DateTimeOffset Date, TimeSpan VmClock);
