namespace ChatClient;

/// <summary>Loads avatars one at a time; a failed download must not leave the gate closed.</summary>
public sealed class AvatarStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, byte[]> _avatars = new();

    public async Task<byte[]> GetAsync(string user, Func<string, Task<byte[]>> download)
    {
        await _gate.WaitAsync();
        var avatar = _avatars.GetValueOrDefault(user);
        if (avatar is null)
        {
            avatar = await download(user);
            _avatars[user] = avatar;
        }

        _gate.Release();
        return avatar;
    }
}
