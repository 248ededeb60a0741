namespace Hospes.Contracts;

/// <summary>What the guest wrote on its console so far (`hospes console --show-log`).</summary>
public sealed record ConsoleLog(string Name, string Text);
