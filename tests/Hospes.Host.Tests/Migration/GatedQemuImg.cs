using System.Reflection;
using Hospes.Storage.QemuImg;

namespace Hospes.Host.Tests.Migration;

/// <summary>
/// qemu-img whose creates wait until <see cref="Arrivals"/> of them are waiting (or a second has passed), so that two
/// prepares are past their checks at the same time; everything else goes to a real qemu-img at once.
/// </summary>
public class GatedQemuImg : DispatchProxy
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IQemuImg _inner = null!;
    private int _waiting;

    public int Arrivals { get; private set; }

    public static IQemuImg Create(int arrivals)
    {
        IQemuImg proxy = Create<IQemuImg, GatedQemuImg>();
        var gate = (GatedQemuImg)(object)proxy;
        gate._inner = new QemuImg();
        gate.Arrivals = arrivals;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        return targetMethod.Name == nameof(IQemuImg.CreateAsync) ? GatedAsync(targetMethod, args) : targetMethod.Invoke(_inner, args);
    }

    private async Task<Core.Errors.Result<bool>> GatedAsync(MethodInfo method, object?[]? args)
    {
        if (Interlocked.Increment(ref _waiting) >= Arrivals)
        {
            _open.TrySetResult();
        }

        await Task.WhenAny(_open.Task, Task.Delay(TimeSpan.FromSeconds(1)));
        return await (Task<Core.Errors.Result<bool>>)method.Invoke(_inner, args)!;
    }
}
