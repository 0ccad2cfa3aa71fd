namespace QueryRec.Indexer.Build;

/// <summary>An entry of the pinyin tables: a kept query at one reading level, with its score at that level.</summary>
internal readonly record struct PinyinEntry(int Kept, int Level, double Score);
