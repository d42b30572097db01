// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - module parameters, device numbers, the myipc class, sysfs
 *
 * myipc: a character device per channel (/dev/myipc0 .. /dev/myipcN-1)
 * that behaves like a Linux FIFO over a kernel byte ring.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/string.h>

#include "myipc_drv.h"

static unsigned int nr_devs = 4;
module_param(nr_devs, uint, 0444);
MODULE_PARM_DESC(nr_devs, "number of channels /dev/myipcN (1..64, default 4)");

static unsigned int buf_size = MYIPC_DEFAULT_SIZE;
module_param(buf_size, uint, 0444);
MODULE_PARM_DESC(buf_size,
		 "ring capacity in bytes, rounded up to a power of two and the page size (max 16 MiB, default 65536)");

static char *sync = "spsc";
module_param(sync, charp, 0444);
MODULE_PARM_DESC(sync,
		 "copy path synchronisation of new devices: spsc (lock-free indices, readers and writers never share a lock; default) or mutex (one lock); per device: /sys/class/myipc/myipcN/sync");

bool myipc_spsc;

static ushort dev_mode = 0600;

/* Show dev_mode in octal in /sys/module/myipc/parameters/dev_mode. */
static int myipc_mode_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%#o\n", *(ushort *)kp->arg);
}

static const struct kernel_param_ops myipc_mode_ops = {
	.set = param_set_ushort,
	.get = myipc_mode_get,
};

module_param_cb(dev_mode, &myipc_mode_ops, &dev_mode, 0444);
MODULE_PARM_DESC(dev_mode, "permissions of the device nodes, octal (default 0600)");

static dev_t myipc_devt;
static struct myipc_chan *myipc_chans;

/* ---- sysfs: /sys/class/myipc/myipcN/<counter>, readers, writers, sync ---- */

struct myipc_stat_attr {
	struct device_attribute attr;
	size_t offset;	/* of the u64 in struct myipc_stats */
};

static ssize_t myipc_stat_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct myipc_stat_attr *sa =
		container_of(attr, struct myipc_stat_attr, attr);
	struct myipc_stats st;

	myipc_chan_stats(dev_get_drvdata(dev), &st);
	return sysfs_emit(buf, "%llu\n", *(u64 *)((char *)&st + sa->offset));
}

#define MYIPC_STAT_ATTR(field)						\
	struct myipc_stat_attr myipc_attr_##field = {			\
		.attr = {						\
			.attr = { .name = #field, .mode = 0444 },	\
			.show = myipc_stat_show,			\
		},							\
		.offset = offsetof(struct myipc_stats, field),		\
	}

static MYIPC_STAT_ATTR(bytes_written);
static MYIPC_STAT_ATTR(bytes_read);
static MYIPC_STAT_ATTR(write_calls);
static MYIPC_STAT_ATTR(read_calls);
static MYIPC_STAT_ATTR(writer_sleeps);
static MYIPC_STAT_ATTR(reader_sleeps);
static MYIPC_STAT_ATTR(writer_wakeups);
static MYIPC_STAT_ATTR(reader_wakeups);
static MYIPC_STAT_ATTR(high_water);
static MYIPC_STAT_ATTR(capacity);
static MYIPC_STAT_ATTR(buffered);

static ssize_t readers_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct myipc_chan *chan = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(chan->readers));
}
static DEVICE_ATTR_RO(readers);

static ssize_t writers_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct myipc_chan *chan = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(chan->writers));
}
static DEVICE_ATTR_RO(writers);

/*
 * /sys/class/myipc/myipcN/sync: this device's sync mode, "spsc" or
 * "mutex". Root may write either word while the device has no open end
 * (EBUSY otherwise, EINVAL for any other word); the module parameter
 * sync= is only the mode devices start with.
 */
static ssize_t sync_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct myipc_chan *chan = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", READ_ONCE(chan->spsc) ? "spsc" : "mutex");
}

static ssize_t sync_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct myipc_chan *chan = dev_get_drvdata(dev);
	bool spsc;
	int ret;

	if (sysfs_streq(buf, "spsc"))
		spsc = true;
	else if (sysfs_streq(buf, "mutex"))
		spsc = false;
	else
		return -EINVAL;
	ret = myipc_chan_set_sync(chan, spsc);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(sync);

static struct attribute *myipc_attrs[] = {
	&myipc_attr_bytes_written.attr.attr,
	&myipc_attr_bytes_read.attr.attr,
	&myipc_attr_write_calls.attr.attr,
	&myipc_attr_read_calls.attr.attr,
	&myipc_attr_writer_sleeps.attr.attr,
	&myipc_attr_reader_sleeps.attr.attr,
	&myipc_attr_writer_wakeups.attr.attr,
	&myipc_attr_reader_wakeups.attr.attr,
	&myipc_attr_high_water.attr.attr,
	&myipc_attr_capacity.attr.attr,
	&myipc_attr_buffered.attr.attr,
	&dev_attr_readers.attr,
	&dev_attr_writers.attr,
	&dev_attr_sync.attr,
	NULL,
};
ATTRIBUTE_GROUPS(myipc);

/* ---- the class: node names and permissions ---- */

/* The callback's device became const in 6.2; Kbuild detects which. */
#ifdef MYIPC_HAVE_CONST_DEVNODE
static char *myipc_devnode(const struct device *dev, umode_t *mode)
#else
static char *myipc_devnode(struct device *dev, umode_t *mode)
#endif
{
	if (mode)
		*mode = dev_mode;
	return NULL;
}

static struct class myipc_class = {
	.name		= "myipc",
	.devnode	= myipc_devnode,
	.dev_groups	= myipc_groups,
};

/* ---- parameters ---- */

static int myipc_check_params(u32 *size)
{
	if (nr_devs < 1 || nr_devs > MYIPC_MAX_DEVS) {
		pr_err("nr_devs=%u is out of range: use 1..%u\n",
		       nr_devs, MYIPC_MAX_DEVS);
		return -EINVAL;
	}
	if (!buf_size || myipc_size_round(buf_size, size)) {
		pr_err("buf_size=%u is out of range: use 1..%u bytes (rounded up to a power of two, at least %lu)\n",
		       buf_size, MYIPC_MAX_SIZE, PAGE_SIZE);
		return -EINVAL;
	}
	if (!strcmp(sync, "spsc")) {
		myipc_spsc = true;
	} else if (!strcmp(sync, "mutex")) {
		myipc_spsc = false;
	} else {
		pr_err("sync=%s is not a mode: use sync=spsc or sync=mutex\n",
		       sync);
		return -EINVAL;
	}
	if (dev_mode & ~0777) {
		pr_err("dev_mode=%#o has bits beyond 0777: give permissions in octal, e.g. dev_mode=0660\n",
		       dev_mode);
		return -EINVAL;
	}
	return 0;
}

/* ---- load and unload ---- */

static void myipc_destroy_devices(unsigned int count)
{
	while (count--) {
		device_destroy(&myipc_class, MKDEV(MAJOR(myipc_devt), count));
		cdev_del(&myipc_chans[count].cdev);
	}
}

/*
 * One cdev per channel, so open() finds its channel with container_of()
 * on the inode's cdev; added before its node appears in /dev.
 */
static int myipc_create_device(unsigned int i)
{
	struct myipc_chan *chan = &myipc_chans[i];
	dev_t devt = MKDEV(MAJOR(myipc_devt), i);
	struct device *dev;
	int ret;

	cdev_init(&chan->cdev, &myipc_fops);
	chan->cdev.owner = THIS_MODULE;
	ret = cdev_add(&chan->cdev, devt, 1);
	if (ret)
		return ret;
	dev = device_create(&myipc_class, NULL, devt, chan, "myipc%u", i);
	if (IS_ERR(dev)) {
		cdev_del(&chan->cdev);
		return PTR_ERR(dev);
	}
	return 0;
}

static int myipc_create_devices(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < nr_devs; i++) {
		ret = myipc_create_device(i);
		if (ret) {
			pr_err("cannot create device myipc%u: %d\n", i, ret);
			myipc_destroy_devices(i);
			return ret;
		}
	}
	return 0;
}

static int myipc_alloc_chans(u32 size)
{
	unsigned int i;

	myipc_chans = kcalloc(nr_devs, sizeof(*myipc_chans), GFP_KERNEL);
	if (!myipc_chans)
		return -ENOMEM;
	for (i = 0; i < nr_devs; i++)
		myipc_chan_init(&myipc_chans[i], i, size, myipc_spsc);
	return 0;
}

static void myipc_free_chans(void)
{
	unsigned int i;

	for (i = 0; i < nr_devs; i++)
		myipc_chan_destroy(&myipc_chans[i]);
	kfree(myipc_chans);
}

static int __init myipc_init(void)
{
	u32 size;
	int ret;

	/*
	 * The mapped layout (uapi/myipc.h) gives each control word a 4 KiB
	 * page of its own, so that protections can differ per role. With
	 * larger pages one page would hold several of them.
	 */
	BUILD_BUG_ON(PAGE_SIZE != MYIPC_RING_PAGE);
	ret = myipc_check_params(&size);
	if (ret)
		return ret;
	buf_size = size;	/* show the capacity in effect */
	ret = myipc_alloc_chans(size);
	if (ret)
		return ret;
	ret = alloc_chrdev_region(&myipc_devt, 0, nr_devs, "myipc");
	if (ret)
		goto err_chans;
	ret = class_register(&myipc_class);
	if (ret)
		goto err_region;
	ret = myipc_create_devices();
	if (ret)
		goto err_class;
	pr_info("%u channels /dev/myipc0..%u, %u bytes each, mode %#o, sync=%s\n",
		nr_devs, nr_devs - 1, size, dev_mode,
		myipc_spsc ? "spsc" : "mutex");
	return 0;

err_class:
	class_unregister(&myipc_class);
err_region:
	unregister_chrdev_region(myipc_devt, nr_devs);
err_chans:
	myipc_free_chans();
	return ret;
}

static void __exit myipc_exit(void)
{
	myipc_destroy_devices(nr_devs);
	class_unregister(&myipc_class);
	unregister_chrdev_region(myipc_devt, nr_devs);
	myipc_free_chans();
}

module_init(myipc_init);
module_exit(myipc_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("myipc project");
MODULE_DESCRIPTION("FIFO-compatible IPC channels over a kernel byte ring");
