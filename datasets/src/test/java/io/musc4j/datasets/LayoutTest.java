package io.musc4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each layout on small generated trees: order, labels, mask pairing and bad-input handling. */
class LayoutTest {

    @TempDir
    Path root;

    private Path img(String rel) throws Exception {
        return TestImages.bgr(root.resolve(rel), 8, 8, 30, 60, 90);
    }

    private static List<String> rel(Category c) {
        return c.samples().stream().map(Sample::relativePath).toList();
    }

    private static List<String> maskNames(Category c) {
        return c.samples().stream().map(s -> s.mask().map(m -> m.getFileName().toString()).orElse("-")).toList();
    }

    private static List<Integer> labels(Category c) {
        return c.samples().stream().map(s -> s.label().isPresent() ? s.label().getAsInt() : -1).toList();
    }

    @Test
    void mvtecPairsByNameAndNamesImagesWithoutMask() throws Exception {
        img("cable/test/good/001.png");
        img("cable/test/good/000.png");
        img("cable/test/cut/000.png");
        img("cable/test/cut/001.png");
        img("cable/test/cut/002.png");
        img("cable/ground_truth/cut/000_mask.png");
        img("cable/ground_truth/cut/002_mask.png");
        img("zipper/test/good/000.png");
        Warnings w = new Warnings();
        List<Category> cats = Datasets.categories(DatasetFormat.MVTEC, root, List.of(), w);
        assertEquals(List.of("cable", "zipper"), cats.stream().map(Category::name).toList());
        Category c = cats.get(0);
        assertEquals(List.of("cable/test/cut/000.png", "cable/test/cut/001.png", "cable/test/cut/002.png",
                "cable/test/good/000.png", "cable/test/good/001.png"), rel(c));
        assertEquals(List.of(1, 1, 1, 0, 0), labels(c));
        assertEquals(List.of("000_mask.png", "-", "002_mask.png", "-", "-"), maskNames(c));
        assertEquals(1, w.count());
        assertTrue(w.all().get(0).contains("001.png") && w.all().get(0).contains("no mask for 1 of 3"), w.all().get(0));
        assertEquals("cut", c.samples().get(0).defectType());
        assertEquals("000", c.samples().get(0).stem());
    }

    @Test
    void mvtecFallsBackToPositionWhenNamesDoNotCorrespondButCountsDo() throws Exception {
        img("bottle/test/broken/a.png");
        img("bottle/test/broken/b.png");
        img("bottle/ground_truth/broken/x.png");
        img("bottle/ground_truth/broken/y.png");
        Warnings w = new Warnings();
        Category c = Datasets.categories(DatasetFormat.MVTEC, root, List.of("bottle"), w).get(0);
        assertEquals(List.of("x.png", "y.png"), maskNames(c));
        assertTrue(w.all().get(0).contains("by sorted position"));
    }

    @Test
    void categoryFolderItselfCanBeTheRoot() throws Exception {
        img("test/good/000.png");
        Category c = Datasets.categories(DatasetFormat.MVTEC, root, List.of(), new Warnings()).get(0);
        assertEquals(root.getFileName().toString(), c.name());
        assertEquals(List.of("test/good/000.png"), rel(c));
    }

    @Test
    void btadUsesOkKoAndSameStemMasksOfAnyExtension() throws Exception {
        img("01/test/ok/0000.bmp");
        img("01/test/ko/0001.bmp");
        img("01/test/ko/0000.bmp");
        img("01/ground_truth/ko/0000.png");
        img("01/ground_truth/ko/0001.png");
        img("03/test/ok/0000.bmp");
        img("03/test/ko/0000.bmp");
        img("03/ground_truth/ko/0000.bmp");
        List<Category> cats = Datasets.categories(DatasetFormat.BTAD, root, List.of("ALL"), new Warnings());
        assertEquals(List.of("01", "03"), cats.stream().map(Category::name).toList());
        assertEquals(List.of("01/test/ko/0000.bmp", "01/test/ko/0001.bmp", "01/test/ok/0000.bmp"), rel(cats.get(0)));
        assertEquals(List.of(1, 1, 0), labels(cats.get(0)));
        assertEquals(List.of("0000.png", "0001.png", "-"), maskNames(cats.get(0)));
        assertEquals(List.of("0000.bmp", "-"), maskNames(cats.get(1)));
    }

    @Test
    void mvtecAd2ReadsTestPublicWithMasksInsideIt() throws Exception {
        img("can/train/good/000_regular.png");
        img("can/test_public/good/000_regular.png");
        img("can/test_public/bad/001_overexposed.png");
        img("can/test_public/bad/000_regular.png");
        img("can/test_public/ground_truth/bad/000_regular_mask.png");
        img("can/test_public/ground_truth/bad/001_overexposed_mask.png");
        Warnings w = new Warnings();
        Category c = Datasets.categories(DatasetFormat.MVTEC2, root, List.of("can"), w).get(0);
        assertEquals(List.of("can/test_public/bad/000_regular.png", "can/test_public/bad/001_overexposed.png",
                "can/test_public/good/000_regular.png"), rel(c));
        assertEquals(List.of(1, 1, 0), labels(c));
        assertEquals(List.of("000_regular_mask.png", "001_overexposed_mask.png", "-"), maskNames(c));
        assertEquals(0, w.count(), w.all().toString());
    }

    @Test
    void visaOriginalLayoutReadsTheTestSplitFromTheCsv() throws Exception {
        img("candle/Data/Images/Normal/0000.JPG");
        img("candle/Data/Images/Normal/0001.JPG");
        img("candle/Data/Images/Anomaly/001.JPG");
        img("candle/Data/Images/Anomaly/000.JPG");
        img("candle/Data/Masks/Anomaly/000.png");
        img("pcb1/Data/Images/Normal/0000.JPG");
        Files.createDirectories(root.resolve("split_csv"));
        Files.writeString(root.resolve("split_csv/1cls.csv"), String.join("\n",
                "object,split,label,image,mask",
                "candle,train,normal,candle/Data/Images/Normal/0000.JPG,",
                "candle,test,normal,candle/Data/Images/Normal/0001.JPG,",
                "candle,test,anomaly,candle/Data/Images/Anomaly/001.JPG,candle/Data/Masks/Anomaly/001.png",
                "candle,test,anomaly,candle/Data/Images/Anomaly/000.JPG,candle/Data/Masks/Anomaly/000.png",
                "pcb1,test,normal,pcb1/Data/Images/Normal/0000.JPG,", ""));
        Warnings w = new Warnings();
        List<Category> cats = Datasets.categories(DatasetFormat.VISA, root, List.of(), w);
        assertEquals(List.of("candle", "pcb1"), cats.stream().map(Category::name).toList());
        Category c = cats.get(0);
        // CSV row order, as the reference's meta.json keeps it.
        assertEquals(List.of("candle/Data/Images/Normal/0001.JPG", "candle/Data/Images/Anomaly/001.JPG",
                "candle/Data/Images/Anomaly/000.JPG"), rel(c));
        assertEquals(List.of(0, 1, 1), labels(c));
        assertEquals(List.of("-", "-", "000.png"), maskNames(c));
        assertEquals(List.of("Normal", "Anomaly", "Anomaly"), c.samples().stream().map(Sample::defectType).toList());
        assertEquals(1, w.count());
        assertTrue(w.all().get(0).contains("001.JPG"), w.all().get(0));
    }

    @Test
    void visaMvtecLikeLayoutIsReadLikeMvtec() throws Exception {
        img("candle/test/bad/000.JPG");
        img("candle/test/good/000.JPG");
        img("candle/ground_truth/bad/000.png");
        Category c = Datasets.categories(DatasetFormat.VISA, root, List.of(), new Warnings()).get(0);
        assertEquals(List.of(1, 0), labels(c));
        assertEquals(List.of("000.png", "-"), maskNames(c));
    }

    @Test
    void visaCsvWithoutTheExpectedColumnsIsAOneLineError() throws Exception {
        Files.createDirectories(root.resolve("split_csv"));
        Files.writeString(root.resolve("split_csv/1cls.csv"), "name,path\n");
        DatasetException e = assertThrows(DatasetException.class,
                () -> Datasets.categories(DatasetFormat.VISA, root, List.of(), new Warnings()));
        assertTrue(e.getMessage().contains("1cls.csv") && e.getMessage().contains("'object'"), e.getMessage());
    }

    @Test
    void folderLabelsComeFromGoodFoldersAndMasksFromAParallelFolder() throws Exception {
        img("lot/good/a.png");
        img("lot/scratch/b.jpg");
        img("lot/scratch/sub/c.tiff");
        img("top.png");
        Files.writeString(root.resolve("lot/good/readme.txt"), "x");
        img("ground_truth/lot/scratch/b_mask.png");
        Category c = Datasets.categories(DatasetFormat.FOLDER, root, List.of(), new Warnings()).get(0);
        assertEquals(List.of("top.png", "lot/good/a.png", "lot/scratch/b.jpg", "lot/scratch/sub/c.tiff"), rel(c));
        assertEquals(List.of(-1, 0, 1, 1), labels(c));
        assertEquals(List.of("-", "-", "b_mask.png", "-"), maskNames(c));
        assertEquals(List.of("", "lot/good", "lot/scratch", "lot/scratch/sub"),
                c.samples().stream().map(Sample::defectType).toList());
    }

    @Test
    void folderWithoutGoodFolderIsUnlabelled() throws Exception {
        img("line1/a.png");
        img("line2/b.png");
        Category c = Datasets.categories(DatasetFormat.FOLDER, root, List.of(), new Warnings()).get(0);
        assertEquals(List.of(-1, -1), labels(c));
        assertFalse(c.fullyLabelled());
    }

    @Test
    void folderReadsEachImageOnceThroughSymlinkLoopsAndDuplicateLinks() throws Exception {
        img("parts/good/a.png");
        img("parts/good/b.png");
        img("parts/bad/c.png");
        Files.createSymbolicLink(root.resolve("parts/good/loop"), root.resolve("parts"));   // back to an ancestor
        Files.createSymbolicLink(root.resolve("parts/zz"), root.resolve("parts/bad"));      // a second link to a folder
        Files.createSymbolicLink(root.resolve("parts/good/z.png"), root.resolve("parts/good/a.png")); // the same file
        Warnings w = new Warnings();
        Category c = Datasets.categories(DatasetFormat.FOLDER, root.resolve("parts"), List.of(), w).get(0);
        assertEquals(List.of("bad/c.png", "good/a.png", "good/b.png"), rel(c));
        assertEquals(3, w.count(), w.all()::toString);
        assertTrue(w.all().stream().anyMatch(m -> m.startsWith(root.resolve("parts/good/loop") + ": leads to ")
                && m.contains("already read")), w.all()::toString);
        assertTrue(w.all().stream().anyMatch(m -> m.startsWith(root.resolve("parts/zz") + ": leads to ")),
                w.all()::toString);
        assertTrue(w.all().contains(root.resolve("parts/good/z.png") + ": the same file as "
                + root.resolve("parts/good/a.png") + "; counted once"), w.all()::toString);
    }

    @Test
    void theOutputFolderInsideTheDataIsNeverRead() throws Exception {
        img("line/a.png");
        img("line/b.png");
        img("line/results/line/heatmaps/a.png");
        img("line/results/line/heatmaps/b.png");
        Path out = root.resolve("line/results");
        Warnings w = new Warnings();
        Category c = Datasets.categories(DatasetFormat.FOLDER, root.resolve("line"), List.of(), Optional.of(out), w).get(0);
        assertEquals(List.of("a.png", "b.png"), rel(c));
        assertEquals(List.of(out + ": the output folder (--out) is inside the data folder; not read as input"), w.all());

        img("mvtec/wood/test/good/000.png");
        img("mvtec/results/wood/test/good/000.png"); // an output folder that looks like a category
        List<Category> cats = Datasets.categories(DatasetFormat.MVTEC, root.resolve("mvtec"), List.of(),
                Optional.of(root.resolve("mvtec/results")), new Warnings());
        assertEquals(List.of("wood"), cats.stream().map(Category::name).toList());
    }

    @Test
    void badInputIsSkippedWithNamedWarningsOrStopsWithOneLine() throws Exception {
        img("wood/test/good/000.png");
        TestImages.bgr(root.resolve("wood/test/good/001.png"), 16, 12, 1, 2, 3);
        Files.createFile(root.resolve("wood/test/good/002.png"));
        Files.writeString(root.resolve("wood/test/good/003.png"), "garbage");
        Files.createDirectories(root.resolve("empty/test/good"));
        Warnings w = new Warnings();
        List<Category> cats = Datasets.categories(DatasetFormat.MVTEC, root, List.of(), w);
        assertEquals(List.of("wood"), cats.stream().map(Category::name).toList());
        assertTrue(w.all().get(0).contains("'empty' has no test images"), w.all().toString());
        Category checked = Datasets.decode(cats.get(0), img -> img, w).category();
        assertEquals(List.of("wood/test/good/000.png", "wood/test/good/001.png"), rel(checked));
        assertEquals(4, w.count(), w.all().toString());
        assertTrue(w.all().get(1).contains("002.png: empty file"), w.all().get(1));
        assertTrue(w.all().get(2).contains("003.png: not a readable image"), w.all().get(2));
        assertTrue(w.all().get(3).contains("2 different sizes"), w.all().get(3));
        assertEquals("4 warnings", w.summary());

        DatasetException none = assertThrows(DatasetException.class,
                () -> Datasets.categories(DatasetFormat.MVTEC, root, List.of("empty"), new Warnings()));
        assertTrue(none.getMessage().contains("no test images"), none.getMessage());
        DatasetException unknown = assertThrows(DatasetException.class,
                () -> Datasets.categories(DatasetFormat.MVTEC, root, List.of("metal"), new Warnings()));
        assertTrue(unknown.getMessage().contains("no category 'metal' (found: empty, wood)"), unknown.getMessage());
        DatasetException missing = assertThrows(DatasetException.class,
                () -> Datasets.categories(DatasetFormat.MVTEC, root.resolve("nope"), List.of(), new Warnings()));
        assertTrue(missing.getMessage().endsWith("nope: no such folder"), missing.getMessage());
        DatasetException wrongFormat = assertThrows(DatasetException.class,
                () -> Datasets.categories(DatasetFormat.MVTEC2, root, List.of(), new Warnings()));
        assertTrue(wrongFormat.getMessage().contains("no mvtec2 category found"), wrongFormat.getMessage());
    }

    @Test
    void unreadableMaskIsDroppedAndCorruptEverythingIsAnError() throws Exception {
        img("tile/test/crack/000.png");
        Files.createDirectories(root.resolve("tile/ground_truth/crack"));
        Files.createFile(root.resolve("tile/ground_truth/crack/000_mask.png"));
        Warnings w = new Warnings();
        Category c = Datasets.categories(DatasetFormat.MVTEC, root, List.of(), w).get(0);
        assertEquals(Optional.of(root.resolve("tile/ground_truth/crack/000_mask.png")), c.samples().get(0).mask());
        Category checked = Datasets.decode(c, img -> img, w).category();
        assertEquals(Optional.empty(), checked.samples().get(0).mask());
        assertEquals(OptionalInt.of(1), checked.samples().get(0).label());
        assertTrue(w.all().get(0).contains("000_mask.png: empty file; mask ignored"), w.all().toString());

        Files.writeString(root.resolve("tile/test/crack/000.png"), "");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.decode(c, img -> img, new Warnings()));
        assertTrue(e.getMessage().contains("no readable test image in category 'tile'"), e.getMessage());
    }

    @Test
    void unknownFormatNameIsAOneLineError() {
        assertEquals(DatasetFormat.MVTEC2, DatasetFormat.parse("mvtec2"));
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetFormat.parse("kitti"));
        assertEquals("unknown dataset format 'kitti' (expected mvtec, visa, btad, mvtec2 or folder)", e.getMessage());
    }
}
