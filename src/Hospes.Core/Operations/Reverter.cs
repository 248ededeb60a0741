namespace Hospes.Core.Operations;

/// <summary>
/// Undo steps for a multi-step operation (as Incus's revert package): each step registers how to undo
/// itself; disposing without <see cref="Commit"/> runs the undos in reverse order.
/// </summary>
public sealed class Reverter : IAsyncDisposable
{
    private readonly List<Func<ValueTask>> _undos = [];
    private bool _committed;

    public void Add(Func<ValueTask> undo) => _undos.Add(undo);

    public void Add(Action undo) => _undos.Add(() =>
    {
        undo();
        return ValueTask.CompletedTask;
    });

    public void Commit() => _committed = true;

    public async ValueTask DisposeAsync()
    {
        if (_committed)
        {
            return;
        }

        _committed = true;
        List<Exception>? failures = null;
        for (int i = _undos.Count - 1; i >= 0; i--)
        {
            try
            {
                await _undos[i]().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // One failed undo must not stop the others.
            catch (Exception e)
#pragma warning restore CA1031
            {
                (failures ??= []).Add(e);
            }
        }

        if (failures is not null)
        {
            throw new AggregateException("some undo steps failed", failures);
        }
    }
}
