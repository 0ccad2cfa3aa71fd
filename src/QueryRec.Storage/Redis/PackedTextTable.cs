using System.IO.Hashing;

namespace QueryRec.Storage.Redis;

/// <summary>
/// The distinct completion texts, id by first sight: UTF-8 bytes in 4 MiB pages and an open-addressing table of ids
/// (about 16 B per text beside its bytes).
/// </summary>
internal sealed class PackedTextTable
{
    private const int PageBytes = 1 << 22;
    private readonly List<byte[]> _pages = [];
    private int _pageUsed = PageBytes;
    private long[] _locations = new long[1024];
    private int[] _lengths = new int[1024];
    private int[] _slots = new int[2048];

    public int Count { get; private set; }

    /// <summary>The id of a text, added when new and valid UTF-8; false for a new text that is not.</summary>
    public bool TryGetOrAdd(ReadOnlySpan<byte> text, out int id, out bool added)
    {
        id = Find(text, out var slot);
        if (id >= 0)
        {
            added = false;
            return true;
        }

        added = System.Text.Unicode.Utf8.IsValid(text);
        if (added)
        {
            id = Add(text, slot);
        }

        return added;
    }

    private int Find(ReadOnlySpan<byte> text, out int slot)
    {
        var hash = (uint)XxHash3.HashToUInt64(text);
        var mask = _slots.Length - 1;
        slot = (int)(hash & (uint)mask);
        while (true)
        {
            var entry = _slots[slot];
            if (entry == 0)
            {
                break;
            }

            var id = entry - 1;
            if (_lengths[id] == text.Length && Text(id).SequenceEqual(text))
            {
                return id;
            }

            slot = (slot + 1) & mask;
        }

        return -1;
    }

    private int Add(ReadOnlySpan<byte> text, int slot)
    {
        var newId = Count++;
        if (newId == _locations.Length)
        {
            Array.Resize(ref _locations, _locations.Length * 2);
            Array.Resize(ref _lengths, _lengths.Length * 2);
        }

        if (_pageUsed + text.Length > PageBytes)
        {
            _pages.Add(new byte[PageBytes]);
            _pageUsed = 0;
        }

        text.CopyTo(_pages[^1].AsSpan(_pageUsed));
        _locations[newId] = ((long)(_pages.Count - 1) << 32) | (uint)_pageUsed;
        _lengths[newId] = text.Length;
        _pageUsed += text.Length;
        _slots[slot] = newId + 1;
        if (Count * 2 > _slots.Length)
        {
            Grow();
        }

        return newId;
    }

    private ReadOnlySpan<byte> Text(int id)
    {
        var location = _locations[id];
        return _pages[(int)(location >> 32)].AsSpan((int)(uint)location, _lengths[id]);
    }

    private void Grow()
    {
        var slots = new int[_slots.Length * 2];
        var mask = slots.Length - 1;
        for (var id = 0; id < Count; id++)
        {
            var slot = (int)((uint)XxHash3.HashToUInt64(Text(id)) & (uint)mask);
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = id + 1;
        }

        _slots = slots;
    }
}
